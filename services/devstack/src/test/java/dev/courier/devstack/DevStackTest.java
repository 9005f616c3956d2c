package dev.courier.devstack;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.infra.LocalStack;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

/** The whole system as `./courier dev` runs it: five services on real servers, one gateway port. */
class DevStackTest {

    private static DevStack stack;

    @BeforeAll
    static void start() {
        stack = DevStack.start(LocalStack.shared(), 0, 0, Map.of());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void everyServiceIsReadyWithItsDatabaseRedisAndKafka() {
        for (String service : new String[] {"auth", "messenger", "stats", "notifier"}) {
            Http.Response ready = Http.port(stack.managementPort(service)).get("/health/ready");
            assertThat(service + ": " + ready.body(), ready.status(), is(200));
            JsonNode checks = ready.json().get("checks");
            assertThat(service + ": " + ready.body(), checks.size(), is(4)); // PostgreSQL, Redis and Kafka (or the consumer), and "shutdown"
            for (JsonNode check : checks) {
                assertThat(service + ": " + check, check.get("status").asText(), is("UP"));
            }
            assertThat(Http.port(stack.managementPort(service)).get("/health/live").status(), is(200));
        }
    }

    @Test
    void theWebAppIsReadyOnItsManagementPortWithNothingToCheck() {
        Http.Response ready = Http.port(stack.managementPort("web")).get("/health/ready");
        assertThat(ready.body(), ready.status(), is(200));
        assertThat(ready.json().get("status").asText(), is("UP"));
    }

    @Test
    void everyServiceServesPrometheusMetrics() {
        for (String service : new String[] {"auth", "messenger", "stats", "notifier", "web"}) {
            Http.Response metrics = Http.port(stack.managementPort(service)).get("/metrics", Map.of("Accept", "text/plain"));
            assertThat(service, metrics.status(), is(200));
            assertThat(service, metrics.body(), containsString("# TYPE"));
        }
        // What an operator watches: request histograms, sockets, the outbox's backlog and the relay's lag.
        Http.port(stack.port("auth")).get("/.well-known/jwks.json"); // the service port: the gateway is the devstack's own
        assertThat(metricsOnceRecorded("auth", "http_server_requests_seconds_bucket{"), containsString("\nhttp_server_requests_seconds_bucket{"));
        String messenger = Http.port(stack.managementPort("messenger")).get("/metrics", Map.of("Accept", "text/plain")).body();
        for (String metric : new String[] {"courier_messenger_ws_connections", "courier_messenger_outbox_backlog",
                "courier_messenger_outbox_lag_seconds", "courier_messenger_ws_frames_received_total",
                "courier_messenger_ws_frames_sent_total", "courier_messenger_ws_slow_disconnects_total{",
                "courier_messenger_sends_total{"}) {
            assertThat(metric, messenger, containsString("\n" + metric));
        }
        // Consumer lag and push outcomes; every outcome's series is there before the first push.
        String notifier = Http.port(stack.managementPort("notifier")).get("/metrics", Map.of("Accept", "text/plain")).body();
        assertThat(notifier, containsString("\ncourier_notifier_consumer_lag"));
        for (String outcome : new String[] {"delivered", "gone", "retry", "failed", "rejected"}) {
            assertThat(outcome, sample(notifier, "courier_notifier_push_attempts_total", "outcome", outcome), is(notNullValue()));
            assertThat(outcome, sample(notifier, "courier_notifier_push_duration_seconds_count", "outcome", outcome), is(notNullValue()));
        }
        assertThat(notifier, containsString("\ncourier_notifier_push_duration_seconds_bucket{"));
        assertThat(Http.port(stack.managementPort("stats")).get("/metrics", Map.of("Accept", "text/plain")).body(),
                containsString("\ncourier_stats_consumer_lag"));
    }

    @Test
    void sendsAreCountedByTheTransportTheyCameOn() {
        Http gateway = Http.port(stack.gatewayPort());
        User alice = signUp(gateway);
        User bob = signUp(gateway);
        Map<String, String> auth = Map.of("Authorization", "Bearer " + alice.token());
        double rest = sends("rest");
        double seed = sends("seed");
        double ws = sends("ws");
        assertThat(gateway.post("/api/v1/messages", Map.of("toUserId", bob.id(), "text", "over REST"), auth).status(), is(201));
        assertThat(gateway.post("/send", Map.of("pal_id", bob.id(), "message", "seed 000's /send"), auth).status() / 100, is(2));
        assertThat(gateway.post("/send", Map.of("pal_id", bob.id(), "message", ""), auth).status(), is(400)); // refused: not a send
        assertThat(sends("rest"), is(rest + 1));
        assertThat(sends("seed"), is(seed + 1));
        assertThat(sends("ws"), is(ws));
    }

    private record User(long id, String token) {
    }

    private static User signUp(Http gateway) {
        String name = "metrics" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String password = "Metrics-" + java.util.UUID.randomUUID();
        Http.Response reg = gateway.post("/api/v1/auth/register",
                Map.of("username", name, "email", name + "@example.test", "password", password), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        Http.Response login = gateway.post("/api/v1/auth/login", Map.of("login", name, "password", password), Map.of());
        assertThat(login.body(), login.status(), is(200));
        return new User(reg.json().get("id").asLong(), login.json().get("accessToken").asText());
    }

    private static double sends(String transport) {
        String body = Http.port(stack.managementPort("messenger")).get("/metrics", Map.of("Accept", "text/plain")).body();
        String value = sample(body, "courier_messenger_sends_total", "transport", transport);
        assertThat(transport, value, is(notNullValue()));
        return Double.parseDouble(value);
    }

    /** The value of the sample of {@code metric} whose label {@code label} is {@code value}, or null. */
    private static String sample(String exposition, String metric, String label, String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(metric)
                + "\\{[^}]*\\b" + label + "=\"" + java.util.regex.Pattern.quote(value) + "\"[^}]*\\} (\\S+)").matcher(exposition);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void everyMetricTheChartsDashboardAndAlertsUseIsExported() throws java.io.IOException {
        java.nio.file.Path chart = java.nio.file.Path.of("../../charts/courier");
        String used = java.nio.file.Files.readString(chart.resolve("dashboards/courier.json"))
                + java.nio.file.Files.readString(chart.resolve("templates/monitoring/prometheusrule.yaml"));
        java.util.Set<String> names = java.util.regex.Pattern.compile("\\b(courier_[a-z_]+|http_server_[a-z_]+)\\b").matcher(used)
                .results().map(m -> m.group(1)).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        assertThat(names.size() >= 5, is(true));
        Http.port(stack.port("auth")).get("/.well-known/jwks.json"); // the service port: the gateway is the devstack's own
        StringBuilder exported = new StringBuilder(metricsOnceRecorded("auth", "http_server_requests_seconds_bucket{"));
        for (String service : new String[] {"messenger", "stats", "notifier"}) {
            exported.append(Http.port(stack.managementPort(service)).get("/metrics", Map.of("Accept", "text/plain")).body());
        }
        for (String name : names) {
            assertThat(name, exported.toString(), containsString("\n" + name));
        }
    }

    /** A request's duration is recorded just after its response is sent: scrape until it shows. */
    private static String metricsOnceRecorded(String service, String metric) {
        String body = "";
        for (int i = 0; i < 50 && !body.contains("\n" + metric); i++) {
            body = Http.port(stack.managementPort(service)).get("/metrics", Map.of("Accept", "text/plain")).body();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return body;
    }

    @Test
    void gatewayAnswersOnOnePortAndUnknownPathsGetProblemJson() {
        Http gateway = Http.port(stack.gatewayPort());
        Http.Response missing = gateway.get("/api/v1/no-such-thing");
        assertThat(missing.status(), is(404));
        assertThat(missing.header("Content-Type"), is("application/problem+json"));
    }

    @Test
    void theWebAppServesTheRootTheServiceWorkerAndDeepLinksThroughTheGateway() {
        Http gateway = Http.port(stack.gatewayPort());
        for (String path : new String[] {"/", "/app/", "/app/chats/42"}) {
            Http.Response page = gateway.get(path);
            assertThat(path, page.status(), is(200));
            assertThat(path, page.body(), containsString("<script type=\"module\" src=\"/app/main.js\"></script>"));
            assertThat(path, page.header("Content-Security-Policy"), containsString("frame-ancestors 'none'"));
        }
        assertThat(gateway.get("/sw.js").header("Service-Worker-Allowed"), is("/"));
        assertThat(gateway.get("/app/main.js").status(), is(200));
        // The notifier's API is still there; its page is not its own any more.
        assertThat(gateway.get("/api/v1/push/vapid-public-key").status(), is(200));
    }

    @Test
    void noServicesHealthMetricsOrOpenApiIsReachableThroughTheGateway() {
        Http gateway = Http.port(stack.gatewayPort());
        for (String path : new String[] {"/health", "/health/ready", "/metrics", "/openapi", "/asyncapi", "/internal/keys/rotate", "/favicon.ico"}) {
            assertThat(path, gateway.get(path).status(), is(404));
        }
    }

    @Test
    void routesMatchAsTheIngressDoesExactAndByPathElement() {
        assertThat(Gateway.serviceOf("/"), is(java.util.Optional.of("web")));
        assertThat(Gateway.serviceOf("/app"), is(java.util.Optional.of("web")));
        assertThat(Gateway.serviceOf("/app/chats/7"), is(java.util.Optional.of("web")));
        assertThat(Gateway.serviceOf("/application.yaml"), is(java.util.Optional.empty()));
        assertThat(Gateway.serviceOf("/chat"), is(java.util.Optional.of("messenger")));
        assertThat(Gateway.serviceOf("/chats"), is(java.util.Optional.of("messenger")));
        assertThat(Gateway.serviceOf("/chats/1"), is(java.util.Optional.empty()));
        assertThat(Gateway.serviceOf("/api/v1/users/3"), is(java.util.Optional.of("auth")));
        assertThat(Gateway.serviceOf("/api/v1/usersx"), is(java.util.Optional.empty()));
        assertThat(Gateway.serviceOf("/api/v1/notifications/mutes/1"), is(java.util.Optional.of("notifier")));
        assertThat(Gateway.serviceOf("/ws"), is(java.util.Optional.of("messenger")));
    }
}

package dev.courier.platform.server;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import redis.clients.jedis.JedisPooled;

import dev.courier.platform.health.Checks;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * /health, /metrics and the app's own routes answer on the management socket only; readiness gates
 * on the required dependency alone and reports the others, unreachable here (nothing listens on
 * port 1), as details; a probe that hangs answers DOWN within a second instead of timing the probe out.
 */
class ManagementPortTest {

    @Test
    void healthAndMetricsAreOnTheManagementPortOnly() {
        try (Running s = start(List.of(Checks.readiness("postgresql", () -> true)))) {
            assertThat(s.management.get("/health/ready").status(), is(200));
            assertThat(s.management.get("/health/live").status(), is(200));
            assertThat(s.management.get("/metrics", Map.of("Accept", "text/plain")).status(), is(200));
            assertThat(s.management.get("/openapi").body(), is("the document"));
            assertThat(s.service.get("/hello").body(), is("hello"));
            assertThat(s.service.get("/health/ready").status(), is(404));
            assertThat(s.service.get("/metrics").status(), is(404));
            assertThat(s.management.get("/hello").status(), is(404));
        }
    }

    @Test
    void requestDurationsAreAHistogramByRouteAndStatus() {
        try (Running s = start(List.of())) {
            s.service.get("/hello");
            s.service.get("/no/such/" + System.nanoTime());
            // A request's duration is recorded just after its response is sent: scrape until both show.
            String metrics = "";
            for (int i = 0; i < 50 && !(metrics.contains("route=\"/hello\"") && metrics.contains("route=\"unmatched\"")); i++) {
                metrics = s.management.get("/metrics", Map.of("Accept", "text/plain")).body();
                sleep(100);
            }
            List<String> lines = metrics.lines().filter(l -> l.startsWith("http_server_requests_seconds_bucket{")).toList();
            assertThat(metrics, lines.stream().anyMatch(l -> l.contains("route=\"/hello\"") && l.contains("status=\"200\"")
                    && l.contains("method=\"GET\"") && l.contains("le=\"0.005\"")), is(true));
            // An unknown path is one series, whatever the path.
            assertThat(metrics, lines.stream().anyMatch(l -> l.contains("route=\"unmatched\"") && l.contains("status=\"404\"")), is(true));
            assertThat(metrics, not(containsString("/no/such/")));
        }
    }

    @Test
    void unreachableRedisAndKafkaAreReportedButKeepThePodReady() {
        try (JedisPooled redis = new JedisPooled("127.0.0.1", 1);
             Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"));
             Running s = start(List.of(Checks.readiness("postgresql", () -> true), Checks.redis(redis), Checks.kafka(kafka)))) {
            long t0 = System.nanoTime();
            Http.Response ready = s.management.get("/health/ready");
            assertThat(ready.body(), ready.status(), is(200));
            assertThat(ready.body(), containsString("\"reachable\":false"));
            assertThat(ready.body(), containsString("\"redis\""));
            assertThat(ready.body(), containsString("\"kafka\""));
            assertThat((System.nanoTime() - t0) / 1_000_000, lessThan(2_500L));
            assertThat(s.management.get("/health/live").status(), is(200));
        }
    }

    @Test
    void aRequiredDependencyThatHangsMakesThePodNotReadyButAlive() {
        try (Running s = start(List.of(Checks.readiness("postgresql", () -> {
            Thread.sleep(60_000);
            return true;
        })))) {
            long t0 = System.nanoTime();
            Http.Response ready = s.management.get("/health/ready");
            assertThat(ready.status(), is(503));
            assertThat(ready.body(), containsString("no answer within"));
            assertThat((System.nanoTime() - t0) / 1_000_000, lessThan(2_500L));
            assertThat(s.management.get("/health/live").status(), is(200));
            assertThat(s.management.get("/health/ready").body(), not(containsString("\"shutdown\":{\"status\":\"DOWN\"")));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Running(WebServer server, Http service, Http management) implements AutoCloseable {
        @Override
        public void close() {
            server.stop();
        }
    }

    private static Running start(List<HealthCheck> checks) {
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1"))).build();
        WebServer server = Servers.start(config, new CourierApp() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public void routing(HttpRouting.Builder routing) {
                routing.get("/hello", (req, res) -> res.send("hello"));
            }

            @Override
            public void ownRouting(HttpRouting.Builder routing) {
                routing.get("/openapi", (req, res) -> res.send("the document"));
            }

            @Override
            public List<HealthCheck> healthChecks() {
                return checks;
            }

            @Override
            public void close() {
            }
        });
        return new Running(server, Http.port(server.port()), Http.port(server.port(Servers.MANAGEMENT)));
    }
}

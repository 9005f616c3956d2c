package dev.courier.stats.api;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import dev.courier.infra.LocalStack;
import dev.courier.platform.config.Configs;
import dev.courier.platform.events.Topics;
import dev.courier.platform.server.Backing;
import dev.courier.platform.server.Servers;
import dev.courier.platform.testing.Http;
import dev.courier.stats.Kafkas;
import dev.courier.stats.StatsApp;
import dev.courier.stats.processing.RecordedMessage;
import dev.courier.stats.processing.StatsConsumer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/** The stats server on a real port: authentication required, its OpenAPI document, metrics, readiness. */
class StatsServerTest {

    private static StatsApp app;
    private static WebServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        Map<String, String> overrides = new HashMap<>(LocalStack.shared().config());
        overrides.put("server.port", "0");
        overrides.put("server.host", "127.0.0.1");
        String group = "stats-test-server-" + System.nanoTime();
        overrides.put("courier.stats.group", group);
        overrides.put("courier.auth.jwks", "http://127.0.0.1:9/.well-known/jwks.json");
        Config config = Configs.load(StatsApp.class, overrides);
        app = StatsApp.create(config);
        try (var backing = Backing.open(config, "stats", StatsApp.class)) {
            Kafkas.startAt(LocalStack.shared(), LocalStack.shared().dbUrl(), group, Kafkas.endOffsets(backing.admin(), Topics.MESSAGES));
        }
        server = Servers.start(config, app);
        http = Http.port(server.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
        app.close();
    }

    @Test
    void everyStatisticNeedsAToken() {
        for (String path : List.of("/MessagesReceived?since=0&to=10", "/MessagesReceivedByUser?since=0&to=10",
                "/MessagesSentByUser?since=0&to=10", "/api/v1/stats/messages?since=0&to=10",
                "/api/v1/stats/users/1?since=0&to=10", "/api/v1/stats/users/1/sent?since=0&to=10",
                "/api/v1/stats/users/1/received?since=0&to=10", "/api/v1/stats/chats/1?since=0&to=10",
                "/api/v1/stats/top/senders?since=0&to=86400", "/api/v1/stats/top/chats?since=0&to=86400",
                "/api/v1/stats/series?metric=messages&since=0&to=10")) {
            Http.Response r = http.get(path);
            assertThat(path, r.status(), is(401));
            assertThat(path, r.header("Content-Type"), startsWith("application/problem+json"));
            Http.Response forged = http.get(path, Map.of("Authorization", "Bearer not.a.jwt"));
            assertThat(path, forged.status(), is(401));
        }
    }

    @Test
    void servesItsOpenApiDocumentOnItsOwnPort() {
        Http.Response r = http.get("/openapi");
        assertThat(r.status(), is(200));
        assertThat(r.body(), startsWith("openapi: 3.1"));
        assertThat(r.body(), containsString("/MessagesSentByUser"));
        assertThat(r.body(), containsString("/api/v1/stats/series"));
    }

    @Test
    void exposesProcessedCountsAndConsumerLagAsPrometheusMetrics() {
        Http.Response r = Http.port(server.port(Servers.MANAGEMENT)).get("/metrics", Map.of("Accept", "text/plain"));
        assertThat(r.status(), is(200));
        assertThat(r.body(), containsString("courier_stats_messages_processed_total"));
        assertThat(r.body(), containsString("courier_stats_consumer_lag"));
    }

    @Test
    void readinessReportsAConsumerThatDied() throws Exception {
        Map<String, String> overrides = new HashMap<>(LocalStack.shared().config());
        overrides.put("server.port", "0");
        overrides.put("server.host", "127.0.0.1");
        overrides.put("courier.stats.group", "stats-test-dying-" + System.nanoTime());
        overrides.put("courier.stats.stuck", "5");
        Config config = Configs.load(StatsApp.class, overrides);
        StatsApp dying = StatsApp.create(config, new StatsConsumer.Hooks() {
            @Override
            public void rowsWritten(List<RecordedMessage> batch) {
                throw new IllegalStateException("a bug in counting");
            }
        });
        WebServer s = Servers.start(config, dying);
        try {
            Http h = Http.port(s.port(Servers.MANAGEMENT));
            // Its supervisor restarts it, and it fails on the same records again: readiness says so.
            Instant deadline = Instant.now().plusSeconds(60);
            Http.Response ready = h.get("/health/ready");
            while (ready.status() != 503 && Instant.now().isBefore(deadline)) {
                Kafkas.sleep(200);
                ready = h.get("/health/ready");
            }
            assertThat(ready.body(), ready.status(), is(503));
            assertThat(ready.body(), containsString("a bug in counting"));
            assertThat(Http.port(server.port(Servers.MANAGEMENT)).get("/health/ready").status(), is(200));
        } finally {
            s.stop();
            dying.close();
        }
    }
}

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

/** The whole system as `./courier dev` runs it: four services on real servers, one gateway port. */
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
    void everyServiceServesPrometheusMetrics() {
        for (String service : new String[] {"auth", "messenger", "stats", "notifier"}) {
            Http.Response metrics = Http.port(stack.managementPort(service)).get("/metrics", Map.of("Accept", "text/plain"));
            assertThat(service, metrics.status(), is(200));
            assertThat(service, metrics.body(), containsString("# TYPE"));
        }
    }

    @Test
    void gatewayAnswersOnOnePortAndUnknownPathsGetProblemJson() {
        Http gateway = Http.port(stack.gatewayPort());
        assertThat(gateway.get("/").status(), is(200));
        Http.Response missing = gateway.get("/api/v1/no-such-thing");
        assertThat(missing.status(), is(404));
    }
}

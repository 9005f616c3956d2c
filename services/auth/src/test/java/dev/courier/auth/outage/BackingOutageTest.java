package dev.courier.auth.outage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.infra.LocalStack;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Auth while its PostgreSQL or Redis is stopped and restarted. The servers are this class's own
 * (under {@code outage-auth} beside the shared test stack), so stopping them disturbs no other test.
 */
class BackingOutageTest {

    private static LocalStack own;
    private static AuthServer auth;
    private static Http http;

    @BeforeAll
    static void start() {
        own = LocalStack.test(Path.of(System.getProperty("courier.test.home", ".courier/test")).resolve("outage-auth"));
        auth = AuthServer.with(Map.of("courier.db.url", own.postgresOnly(), "courier.redis.url", own.redisOnly(),
                "courier.auth.ratelimit.login.account", "1000"));
        http = auth.http;
    }

    /** Health is on the management port, never the public one. */
    private static Http management() {
        return Http.port(auth.server.port(dev.courier.platform.server.Servers.MANAGEMENT));
    }

    @AfterAll
    static void stop() {
        if (auth != null) {
            auth.close();
        }
        own.stop();
    }

    @Test
    void aRefreshThatFailsWhilePostgresIsDownCanBeRetriedWithTheSameToken() {
        AuthServer.TestUser u = auth.register();
        String token = auth.login(u.username(), AuthServer.PASSWORD).get("refreshToken").asText();
        own.stopPostgres();
        try {
            Http.Response during = refresh(token);
            assertUnavailable(during, "postgresql");
        } finally {
            own.startPostgres();
        }
        Http.Response after = untilNot503(() -> refresh(token));
        assertThat(after.body(), after.status(), is(200));
        assertThat(http.get("/api/v1/users/me", AuthServer.bearer(after.json().get("accessToken").asText())).status(), is(200));
        assertThat(refresh(after.json().get("refreshToken").asText()).status(), is(200));
    }

    @Test
    void whilePostgresIsDownRequestsAndReadinessAnswerFast503() {
        AuthServer.TestUser u = auth.register();
        own.stopPostgres();
        try {
            long t0 = System.nanoTime();
            Http.Response login = http.post("/api/v1/auth/login", Map.of("login", u.username(), "password", AuthServer.PASSWORD), Map.of());
            assertUnavailable(login, "postgresql");
            assertThat("login answered within 3 s", (System.nanoTime() - t0) / 1_000_000, lessThan(3000L));
            t0 = System.nanoTime();
            Http.Response ready = management().get("/health/ready");
            assertThat(ready.body(), ready.status(), is(503));
            assertThat("readiness answered within 3 s", (System.nanoTime() - t0) / 1_000_000, lessThan(3000L));
        } finally {
            own.startPostgres();
        }
        assertThat(untilNot503(() -> management().get("/health/ready")).status(), is(200));
    }

    @Test
    void afterRedisRestartsEveryRequestSucceedsAgain() {
        AuthServer.TestUser u = auth.register();
        // Several connections in the pool, each of which the restart will break.
        List<CompletableFuture<Http.Response>> warm = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            warm.add(CompletableFuture.supplyAsync(() -> http.post("/api/v1/auth/login",
                    Map.of("login", u.username(), "password", AuthServer.PASSWORD), Map.of())));
        }
        warm.forEach(CompletableFuture::join);
        own.stopRedis();
        try {
            Http.Response during = http.post("/api/v1/auth/login", Map.of("login", u.username(), "password", AuthServer.PASSWORD), Map.of());
            assertUnavailable(during, "redis");
        } finally {
            own.startRedis();
        }
        sleep(3000);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Http.Response r = http.post("/api/v1/auth/login", Map.of("login", u.username(), "password", AuthServer.PASSWORD), Map.of());
            if (r.status() != 200) {
                failures.add(r.status() + " " + r.body());
            }
        }
        assertThat(failures, is(empty()));
    }

    @Test
    void afterRedisRestartedEmptyLogoutSucceedsAndTheOldRefreshTokenIsRefused() {
        AuthServer.TestUser u = auth.register();
        JsonNode login = auth.login(u.username(), AuthServer.PASSWORD);
        own.stopRedis();
        own.startRedis();
        sleep(2000);
        Http.Response logout = http.method("POST", "/api/v1/auth/logout", null, AuthServer.bearer(login.get("accessToken").asText()));
        assertThat(logout.body(), logout.status(), is(204));
        Http.Response refresh = refresh(login.get("refreshToken").asText());
        assertThat(refresh.body(), refresh.status(), is(401));
        assertThat(refresh.header("Content-Type"), containsString("application/problem+json"));
        assertThat(auth.login(u.username(), AuthServer.PASSWORD).get("accessToken"), notNullValue());
    }

    private static void assertUnavailable(Http.Response r, String dependency) {
        assertThat(r.body(), r.status(), is(503));
        assertThat(r.header("Content-Type"), containsString("application/problem+json"));
        assertThat(r.header("Retry-After"), notNullValue());
        assertThat(r.json().path("dependency").asText(), is(dependency));
    }

    private static Http.Response refresh(String token) {
        return http.post("/api/v1/auth/refresh", Map.of("refreshToken", token), Map.of());
    }

    /** Retries while the service still answers 503 (a reconnecting pool), as a client honouring Retry-After does. */
    private static Http.Response untilNot503(java.util.function.Supplier<Http.Response> call) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        Http.Response r = call.get();
        while (r.status() == 503 && System.nanoTime() < deadline) {
            sleep(500);
            r = call.get();
        }
        return r;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

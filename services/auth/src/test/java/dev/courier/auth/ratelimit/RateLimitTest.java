package dev.courier.auth.ratelimit;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Its own server with tiny limits and windows of a few seconds (long enough for Argon2 on a busy machine); each test uses its own forwarded client
 * address and account, so the shared server's limits and other tests are never touched.
 */
class RateLimitTest {

    private static AuthServer auth;

    @BeforeAll
    static void start() {
        auth = AuthServer.with(Map.of("courier.auth.trustproxy", "true",
                "courier.auth.ratelimit.login.account", "2", "courier.auth.ratelimit.login.address", "3",
                "courier.auth.ratelimit.login.windowseconds", "6",
                "courier.auth.ratelimit.register.account", "2", "courier.auth.ratelimit.register.address", "2",
                "courier.auth.ratelimit.register.windowseconds", "8",
                "courier.auth.ratelimit.reset.account", "1", "courier.auth.ratelimit.reset.address", "10",
                "courier.auth.ratelimit.reset.windowseconds", "2"));
    }

    @AfterAll
    static void stop() {
        auth.close();
    }

    @Test
    void loginAttemptsOnOneAccountTripWith429AndRetryAfterThenResetAfterTheWindow() throws Exception {
        AuthServer.TestUser u = register(address());
        Map<String, String> from = Map.of("X-Forwarded-For", address());
        for (int i = 0; i < 2; i++) {
            assertThat(login(u.username(), "wrong password!", from).status(), is(401));
        }
        Http.Response limited = login(u.username(), AuthServer.PASSWORD, from);
        assertThat(limited.status(), is(429));
        assertThat(limited.header("Content-Type"), startsWith("application/problem+json"));
        assertThat(Integer.parseInt(limited.header("Retry-After")), lessThanOrEqualTo(6));
        // Another address does not help: the account itself is limited.
        assertThat(login(u.username(), AuthServer.PASSWORD, Map.of("X-Forwarded-For", address())).status(), is(429));
        Thread.sleep(Integer.parseInt(limited.header("Retry-After")) * 1000L + 1100);
        assertThat(login(u.username(), AuthServer.PASSWORD, from).status(), is(200));
    }

    @Test
    void oneAddressTryingManyAccountsTrips() {
        Map<String, String> from = Map.of("X-Forwarded-For", address());
        for (int i = 0; i < 3; i++) {
            assertThat(login(AuthServer.unique("nobody"), "wrong password!", from).status(), is(401));
        }
        assertThat(login(AuthServer.unique("nobody"), "wrong password!", from).status(), is(429));
    }

    @Test
    void aLoopbackPeerIsNotLimitedPerAddressBecauseEveryLocalClientSharesIt() {
        for (int i = 0; i < 4; i++) {
            assertThat(login(AuthServer.unique("nobody"), "wrong password!", Map.of()).status(), is(401));
        }
    }

    @Test
    void registrationsFromOneAddressTrip() {
        String address = address();
        register(address);
        register(address);
        String n = AuthServer.unique("r");
        Http.Response r = auth.http.post("/api/v1/auth/register", Map.of("username", n, "email", n + "@example.com", "password", AuthServer.PASSWORD),
                Map.of("X-Forwarded-For", address));
        assertThat(r.status(), is(429));
        // Nothing was created: after the window the same name registers.
        sleep(Integer.parseInt(r.header("Retry-After")) * 1000L + 1100);
        assertThat(auth.http.post("/api/v1/auth/register", Map.of("username", n, "email", n + "@example.com", "password", AuthServer.PASSWORD),
                Map.of("X-Forwarded-For", address)).status(), is(201));
    }

    @Test
    void resetRequestsPerEmailTripWithoutSayingWhetherItExists() {
        String email = AuthServer.unique("ghost") + "@example.com";
        assertThat(auth.http.post("/api/v1/auth/password/forgot", Map.of("email", email), Map.of("X-Forwarded-For", address())).status(), is(202));
        assertThat(auth.http.post("/api/v1/auth/password/forgot", Map.of("email", email), Map.of("X-Forwarded-For", address())).status(), is(429));
    }

    private static AuthServer.TestUser register(String address) {
        String n = AuthServer.unique("r");
        Http.Response r = auth.http.post("/api/v1/auth/register", Map.of("username", n, "email", n + "@example.com", "password", AuthServer.PASSWORD),
                Map.of("X-Forwarded-For", address));
        assertThat(r.body(), r.status(), is(201));
        return new AuthServer.TestUser(r.json().get("id").asLong(), n, n + "@example.com");
    }

    private static Http.Response login(String login, String password, Map<String, String> headers) {
        return auth.http.post("/api/v1/auth/login", Map.of("login", login, "password", password), headers);
    }

    /** A documentation-range address unique to the call, so no two tests share a counter. */
    private static String address() {
        return "198.51." + (int) (Math.random() * 255) + "." + (int) (Math.random() * 255) + "-" + AuthServer.unique("");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

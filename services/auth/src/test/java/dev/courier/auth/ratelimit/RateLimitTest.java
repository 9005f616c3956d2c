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
 * Its own server with tiny limits. Windows that must not expire mid-test are long (Argon2 on a busy
 * machine can take seconds per attempt); the reset-after-the-window case uses the cheap forgot route; each test uses its own forwarded client
 * address and account, so the shared server's limits and other tests are never touched.
 */
class RateLimitTest {

    private static AuthServer auth;

    @BeforeAll
    static void start() {
        auth = AuthServer.with(Map.of("courier.http.trustedproxies", "127.0.0.0/8, ::1",
                "courier.auth.ratelimit.login.address", "3",
                "courier.auth.ratelimit.login.windowseconds", "60",
                "courier.auth.ratelimit.register.account", "2", "courier.auth.ratelimit.register.address", "2",
                "courier.auth.ratelimit.register.windowseconds", "60",
                "courier.auth.ratelimit.reset.account", "1", "courier.auth.ratelimit.reset.address", "10",
                "courier.auth.ratelimit.reset.windowseconds", "2"));
    }

    @AfterAll
    static void stop() {
        auth.close();
    }

    @Test
    void theAddressIsTheOneTheTrustedProxyAppendedNotWhatTheClientWroteBeforeIt() {
        String real = address();
        // The client varies what it writes itself; the proxy (the loopback peer) appends the same real address.
        for (int i = 0; i < 3; i++) {
            assertThat(login(AuthServer.unique("nobody"), "wrong password!", Map.of("X-Forwarded-For", address() + ", " + real)).status(), is(401));
        }
        assertThat(login(AuthServer.unique("nobody"), "wrong password!", Map.of("X-Forwarded-For", address() + ", " + real)).status(), is(429));
    }

    @Test
    void aForwardedLoopbackAddressIsLimitedLikeAnyOther() {
        // Behind the proxy, a client claiming to be 127.0.0.1 and the proxy appending it (10.0.0.0/8 is not trusted here).
        String from = "127.0.0.1, 10." + (int) (Math.random() * 255) + "." + (int) (Math.random() * 255) + "." + (int) (Math.random() * 255);
        String loopbackOnly = "127.0.0." + (2 + (int) (Math.random() * 250));
        for (int i = 0; i < 3; i++) {
            assertThat(login(AuthServer.unique("nobody"), "wrong password!", Map.of("X-Forwarded-For", from)).status(), is(401));
            assertThat(login(AuthServer.unique("nobody"), "wrong password!", Map.of("X-Forwarded-For", loopbackOnly)).status(), is(401));
        }
        assertThat(login(AuthServer.unique("nobody"), "wrong password!", Map.of("X-Forwarded-For", from)).status(), is(429));
        // Every hop trusted: the left-most is the client, and it is counted too.
        assertThat(login(AuthServer.unique("nobody"), "wrong password!", Map.of("X-Forwarded-For", loopbackOnly)).status(), is(429));
    }

    @Test
    void aLimitResetsWhenItsWindowEnds() throws Exception {
        String email = AuthServer.unique("ghost") + "@example.com";
        assertThat(forgot(email).status(), is(202));
        Http.Response limited = forgot(email);
        assertThat(limited.status(), is(429));
        Thread.sleep(Integer.parseInt(limited.header("Retry-After")) * 1000L + 1100);
        assertThat(forgot(email).status(), is(202));
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
    void registrationsFromOneAddressTripAndCreateNothing() {
        String address = address();
        register(address);
        register(address);
        String n = AuthServer.unique("r");
        Map<String, String> body = Map.of("username", n, "email", n + "@example.com", "password", AuthServer.PASSWORD);
        assertThat(auth.http.post("/api/v1/auth/register", body, Map.of("X-Forwarded-For", address)).status(), is(429));
        // Nothing was created: from another address the same name and email register.
        assertThat(auth.http.post("/api/v1/auth/register", body, Map.of("X-Forwarded-For", address())).status(), is(201));
    }

    @Test
    void resetRequestsPerEmailTripWithoutSayingWhetherItExists() {
        String email = AuthServer.unique("ghost") + "@example.com";
        assertThat(auth.http.post("/api/v1/auth/password/forgot", Map.of("email", email), Map.of("X-Forwarded-For", address())).status(), is(202));
        assertThat(auth.http.post("/api/v1/auth/password/forgot", Map.of("email", email), Map.of("X-Forwarded-For", address())).status(), is(429));
    }

    private static Http.Response forgot(String email) {
        return auth.http.post("/api/v1/auth/password/forgot", Map.of("email", email), Map.of("X-Forwarded-For", address()));
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
}

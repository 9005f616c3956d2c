package dev.courier.auth.ratelimit;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Wrong passwords slow down the (account, client address) pair that sends them and lock nobody
 * out. Its own server behind a trusted loopback proxy: 3 free failures, then waits of 1, 2, 4 s.
 */
class LoginSlowdownTest {

    private static AuthServer auth;

    @BeforeAll
    static void start() {
        auth = AuthServer.with(Map.of("courier.http.trustedproxies", "127.0.0.0/8,::1",
                "courier.auth.ratelimit.loginfailures.free", "3", "courier.auth.ratelimit.loginfailures.baseseconds", "1",
                "courier.auth.ratelimit.loginfailures.maxseconds", "4"));
    }

    @AfterAll
    static void stop() {
        auth.close();
    }

    @Test
    void anAttackerElsewhereFailingTwentyTimesDoesNotKeepTheOwnerOut() {
        AuthServer.TestUser owner = auth.register();
        Map<String, String> attacker = from("203.0.113.66");
        for (int i = 0; i < 20; i++) {
            assertThat(login(owner.username(), "wrong password " + i, attacker).status(), anyOf(is(401), is(429)));
        }
        Http.Response stillWaiting = login(owner.username(), AuthServer.PASSWORD, attacker);
        assertThat("even the right password waits from the attacker's address", stillWaiting.status(), is(429));
        assertThat(stillWaiting.header("Content-Type"), startsWith("application/problem+json"));
        // The owner, from their own addresses, at once.
        assertThat(login(owner.username(), AuthServer.PASSWORD, from("198.51.100.7")).status(), is(200));
        assertThat(login(owner.username(), AuthServer.PASSWORD, from("198.51.100.8")).status(), is(200));
    }

    @Test
    void theWaitGrowsWithTheFailuresOfThePairAndASuccessForgetsThem() throws Exception {
        AuthServer.TestUser owner = auth.register();
        Map<String, String> pair = from("203.0.113.77");
        for (int i = 0; i < 3; i++) {
            Http.Response free = login(owner.username(), "wrong password", pair);
            assertThat(free.status(), is(401));
            assertThat(free.header("Retry-After"), nullValue());
        }
        int previous = 0;
        for (int expected : new int[] {1, 2, 4, 4}) {
            Http.Response failed = login(owner.username(), "wrong password", pair);
            assertThat(failed.body(), failed.status(), is(401));
            int wait = Integer.parseInt(failed.header("Retry-After"));
            assertThat(wait, is(expected));
            assertThat(wait, greaterThanOrEqualTo(previous));
            previous = wait;
            Http.Response early = login(owner.username(), "wrong password", pair);
            assertThat(early.status(), is(429));
            assertThat(Integer.parseInt(early.header("Retry-After")), lessThanOrEqualTo(wait));
            Thread.sleep(wait * 1000L + 150);
        }
        // The right password after the wait: in, and the slate is clean.
        assertThat(login(owner.username(), AuthServer.PASSWORD, pair).status(), is(200));
        Http.Response fresh = login(owner.username(), "wrong password", pair);
        assertThat(fresh.status(), is(401));
        assertThat(fresh.header("Retry-After"), nullValue());
    }

    @Test
    void anUnknownAccountIsSlowedDownExactlyLikeAKnownOne() {
        Map<String, String> pair = from("203.0.113.88");
        String ghost = AuthServer.unique("ghost");
        for (int i = 0; i < 3; i++) {
            assertThat(login(ghost, "wrong password", pair).status(), is(401));
        }
        Http.Response fourth = login(ghost, "wrong password", pair);
        assertThat(fourth.status(), is(401));
        assertThat(fourth.header("Retry-After"), is("1"));
        assertThat(login(ghost, "wrong password", pair).status(), is(429));
    }

    private static Map<String, String> from(String address) {
        return Map.of("X-Forwarded-For", address);
    }

    private static Http.Response login(String login, String password, Map<String, String> headers) {
        return auth.http.post("/api/v1/auth/login", Map.of("login", login, "password", password), headers);
    }
}

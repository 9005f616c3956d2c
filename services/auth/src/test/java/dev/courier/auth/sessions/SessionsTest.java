package dev.courier.auth.sessions;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;

import dev.courier.auth.AuthServer;
import dev.courier.infra.LocalStack;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class SessionsTest {

    private final AuthServer auth = AuthServer.shared();
    private final Http http = auth.http;

    @Test
    void refreshRotatesTheTokenAndTheNewAccessTokenWorks() {
        AuthServer.TestUser u = auth.register();
        JsonNode login = auth.login(u.username(), AuthServer.PASSWORD);
        Http.Response r = refresh(login.get("refreshToken").asText());
        assertThat(r.body(), r.status(), is(200));
        assertThat(r.json().get("refreshToken").asText(), not(login.get("refreshToken").asText()));
        assertThat(r.json().get("sessionId").asText(), is(login.get("sessionId").asText()));
        assertThat(http.get("/api/v1/users/me", AuthServer.bearer(r.json().get("accessToken").asText())).status(), is(200));
    }

    @Test
    void reusingARotatedRefreshTokenRevokesTheWholeSession() {
        AuthServer.TestUser u = auth.register();
        JsonNode login = auth.login(u.username(), AuthServer.PASSWORD);
        String first = login.get("refreshToken").asText();
        JsonNode second = refresh(first).json();
        // The thief (or the victim) presents the old token again: the whole session dies.
        assertThat(refresh(first).status(), is(401));
        assertThat(refresh(second.get("refreshToken").asText()).status(), is(401));
        assertThat(http.get("/api/v1/users/me", AuthServer.bearer(second.get("accessToken").asText())).status(), is(401));
    }

    @Test
    void aSessionEndsAtItsAbsoluteLifetimeHoweverOftenItIsRefreshed() throws Exception {
        try (AuthServer shortLived = AuthServer.with(Map.of("courier.auth.refresh.maxlifetimeseconds", "4"))) {
            AuthServer.TestUser u = shortLived.register();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            JsonNode login = shortLived.login(u.username(), AuthServer.PASSWORD);
            String token = login.get("refreshToken").asText();
            int refreshed = 0;
            Http.Response r;
            // Refreshing every half second keeps an idle timeout at bay; the absolute lifetime still ends the chain.
            while (true) {
                r = shortLived.http.post("/api/v1/auth/refresh", Map.of("refreshToken", token), Map.of());
                if (r.status() != 200) {
                    break;
                }
                refreshed++;
                token = r.json().get("refreshToken").asText();
                assertThat("still refreshing well past the lifetime", System.nanoTime() < until + TimeUnit.SECONDS.toNanos(5), is(true));
                Thread.sleep(500);
            }
            assertThat(r.body(), r.status(), is(401));
            assertThat(refreshed > 0, is(true));
            assertThat("refused before the lifetime ended", System.nanoTime() >= until, is(true));
            // Logging in again starts a new session.
            assertThat(shortLived.http.post("/api/v1/auth/refresh", Map.of("refreshToken",
                    shortLived.login(u.username(), AuthServer.PASSWORD).get("refreshToken").asText()), Map.of()).status(), is(200));
        }
    }

    @Test
    void refreshWorksFromTheCookieAlone() {
        AuthServer.TestUser u = auth.register();
        JsonNode login = auth.login(u.username(), AuthServer.PASSWORD);
        Http.Response r = http.method("POST", "/api/v1/auth/refresh", null, Map.of("Cookie", "courier_refresh=" + login.get("refreshToken").asText()));
        assertThat(r.body(), r.status(), is(200));
    }

    @Test
    void sessionsAreListedPerDeviceAndARevokedSessionCannotRefreshAndIsAnnounced() throws Exception {
        AuthServer.TestUser u = auth.register();
        JsonNode phone = loginAs(u, "Phone/1.0");
        JsonNode laptop = loginAs(u, "Laptop/2.0");
        Http.Response list = http.get("/api/v1/auth/sessions", AuthServer.bearer(laptop.get("accessToken").asText()));
        assertThat(list.body(), list.status(), is(200));
        assertThat(list.json().size(), is(2));
        assertThat(list.body(), containsString("Phone/1.0"));

        BlockingQueue<String> revoked = subscribe();
        String phoneSid = phone.get("sessionId").asText();
        Http.Response del = http.method("DELETE", "/api/v1/auth/sessions/" + phoneSid, null, AuthServer.bearer(laptop.get("accessToken").asText()));
        assertThat(del.status(), is(204));
        assertThat(refresh(phone.get("refreshToken").asText()).status(), is(401));
        assertThat(http.get("/api/v1/auth/sessions", AuthServer.bearer(phone.get("accessToken").asText())).status(), is(401));
        String message = poll(revoked, "\"sessionId\":\"" + phoneSid + "\"");
        assertThat(message, containsString("\"userId\":" + u.id()));
        assertThat(http.get("/api/v1/auth/sessions", AuthServer.bearer(laptop.get("accessToken").asText())).json().size(), is(1));
    }

    @Test
    void oneUserCannotSeeOrRevokeAnothersSessions() {
        AuthServer.TestUser alice = auth.register();
        AuthServer.TestUser bob = auth.register();
        JsonNode a = auth.login(alice.username(), AuthServer.PASSWORD);
        JsonNode b = auth.login(bob.username(), AuthServer.PASSWORD);
        Http.Response list = http.get("/api/v1/auth/sessions", AuthServer.bearer(b.get("accessToken").asText()));
        assertThat(list.body(), not(containsString(a.get("sessionId").asText())));
        Http.Response del = http.method("DELETE", "/api/v1/auth/sessions/" + a.get("sessionId").asText(), null, AuthServer.bearer(b.get("accessToken").asText()));
        assertThat(del.status(), is(404));
        assertThat(refresh(a.get("refreshToken").asText()).status(), is(200));
    }

    @Test
    void logoutEndsTheCurrentSessionAndLogoutAllEndsEveryOne() throws Exception {
        AuthServer.TestUser u = auth.register();
        JsonNode one = auth.login(u.username(), AuthServer.PASSWORD);
        JsonNode two = auth.login(u.username(), AuthServer.PASSWORD);
        JsonNode three = auth.login(u.username(), AuthServer.PASSWORD);
        assertThat(http.method("POST", "/api/v1/auth/logout", null, AuthServer.bearer(one.get("accessToken").asText())).status(), is(204));
        assertThat(refresh(one.get("refreshToken").asText()).status(), is(401));
        assertThat(refresh(two.get("refreshToken").asText()).status(), is(200));

        BlockingQueue<String> revoked = subscribe();
        assertThat(http.method("POST", "/api/v1/auth/logout-all", null, AuthServer.bearer(three.get("accessToken").asText())).status(), is(204));
        // Each session by id (what the other services refuse), then "*" (every socket of the user).
        assertThat(poll(revoked, "\"userId\":" + u.id() + ",\"sessionId\":\"*\""), containsString("\"sessionId\":\"*\""));
        assertThat(refresh(three.get("refreshToken").asText()).status(), is(401));
        assertThat(http.get("/api/v1/auth/sessions", AuthServer.bearer(three.get("accessToken").asText())).status(), is(401));
    }

    @Test
    void requestsWithoutAValidTokenAreUnauthorized() {
        assertThat(http.get("/api/v1/auth/sessions").status(), is(401));
        assertThat(http.get("/api/v1/auth/sessions", AuthServer.bearer("not.a.jwt")).status(), is(401));
        assertThat(refresh("made-up-token").status(), is(401));
        Http.Response bad = http.post("/api/v1/auth/refresh", "{\"refreshToken\":7}", Map.of());
        assertThat(bad.status(), is(400));
        assertThat(bad.json().get("field").asText(), is("refreshToken"));
    }

    private JsonNode loginAs(AuthServer.TestUser u, String agent) {
        Http.Response r = http.post("/api/v1/auth/login", Map.of("login", u.username(), "password", AuthServer.PASSWORD), Map.of("User-Agent", agent));
        assertThat(r.status(), is(200));
        return r.json();
    }

    private Http.Response refresh(String token) {
        return http.post("/api/v1/auth/refresh", Map.of("refreshToken", token), Map.of());
    }

    private static BlockingQueue<String> subscribe() throws InterruptedException {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        JedisPubSub sub = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                messages.add(message);
            }

            @Override
            public void onSubscribe(String channel, int subscribedChannels) {
                ready.countDown();
            }
        };
        JedisPooled redis = new JedisPooled(java.net.URI.create(LocalStack.shared().redisUrl()));
        Thread t = new Thread(() -> redis.subscribe(sub, SessionStore.REVOKED_CHANNEL), "revocations");
        t.setDaemon(true);
        t.start();
        ready.await(5, TimeUnit.SECONDS);
        return messages;
    }

    private static String poll(BlockingQueue<String> q, String needle) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < until) {
            String m = q.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && m.contains(needle)) {
                return m;
            }
        }
        throw new AssertionError("No revocation message containing " + needle);
    }
}

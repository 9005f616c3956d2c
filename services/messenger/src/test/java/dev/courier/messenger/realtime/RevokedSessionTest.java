package dev.courier.messenger.realtime;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.IntSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ClientKillParams;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.security.RevokedSessions;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * A session revoked in auth is refused by every messenger replica within a second: REST calls,
 * socket upgrades and token renewals on open sockets, also on a replica that started after the
 * revocation or whose subscription to the announcements broke meanwhile.
 */
class RevokedSessionTest {

    private static final Duration WITHIN = Duration.ofSeconds(1);

    private static TestUser login(TestUser u, String password) {
        var login = Cluster.auth().post("/api/v1/auth/login", Map.of("login", u.username(), "password", password), Map.of());
        assertThat(login.body(), login.status(), is(200));
        return new TestUser(u.id(), u.username(), login.json().get("accessToken").asText(), login.json().get("sessionId").asText());
    }

    /** Polls until the status is the expected one or the time is up; returns the last status. */
    private static int within(Duration limit, int expected, IntSupplier status) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        int seen = status.getAsInt();
        while (seen != expected && System.nanoTime() < end) {
            Thread.sleep(20);
            seen = status.getAsInt();
        }
        return seen;
    }

    /** The close code of a socket opened with this token in the query (0: the upgrade itself failed). */
    private static int upgradeWith(Cluster.Node node, String token) {
        try (WsTestClient ws = WsTestClient.connect(node.ws() + "?token=" + token)) {
            return ws.awaitClose(Duration.ofSeconds(5));
        } catch (CompletionException e) {
            return 0;
        }
    }

    private static void logout(TestUser u) {
        var out = Cluster.auth().post("/api/v1/auth/logout", Map.of(), u.bearer());
        assertThat(out.body(), out.status(), is(204));
    }

    @Test
    void aLoggedOutSessionIsRefusedByEveryReplicaWithinASecond() throws Exception {
        TestUser bob = Cluster.user();
        List<Cluster.Node> replicas = List.of(Cluster.a(), Cluster.b());
        for (Cluster.Node n : replicas) {
            assertThat(bob.get(n.http(), "/api/v1/chats").status(), is(200));
        }
        logout(bob);
        for (Cluster.Node n : replicas) {
            assertThat(within(WITHIN, 401, () -> bob.get(n.http(), "/api/v1/chats").status()), is(401));
            assertThat(bob.post(n.http(), "/api/v1/messages", Map.of("toUserId", Cluster.user().id(), "text", "after logout")).status(), is(401));
            assertThat(upgradeWith(n, bob.token()), is(Connection.UNAUTHORIZED));
        }
    }

    @Test
    void aRevokedSessionsTokenCannotRenewAnOpenSocket() throws Exception {
        String password = "pw-renewal-" + System.nanoTime();
        TestUser first = Cluster.user(password);
        TestUser second = login(first, password);
        try (WsTestClient ws = WsTestClient.connect(Cluster.a().ws() + "?token=" + first.token())) {
            ws.awaitType("ready");
            var revoke = Cluster.auth().method("DELETE", "/api/v1/auth/sessions/" + second.sessionId(), null, first.bearer());
            assertThat(revoke.body(), revoke.status(), is(204));
            Thread.sleep(WITHIN.toMillis());
            ws.send(Map.of("type", "auth", "token", second.token(), "requestId", "renew"));
            JsonNode error = ws.awaitType("error");
            assertThat(error.toString(), error.get("status").asInt(), is(401));
            // The socket keeps its own, live session.
            assertThat(first.get(Cluster.a().http(), "/api/v1/chats").status(), is(200));
        }
    }

    @Test
    void aChangedPasswordRevokesTheOtherSessionsButNotTheCurrentOne() throws Exception {
        String password = "pw-change-" + System.nanoTime();
        TestUser current = Cluster.user(password);
        TestUser other = login(current, password);
        var change = Cluster.auth().post("/api/v1/auth/password/change",
                Map.of("currentPassword", password, "newPassword", "another-" + password), current.bearer());
        assertThat(change.body(), change.status() / 100, is(2));
        assertThat(within(WITHIN, 401, () -> other.get(Cluster.b().http(), "/api/v1/chats").status()), is(401));
        assertThat(current.get(Cluster.b().http(), "/api/v1/chats").status(), is(200));
    }

    @Test
    void aReplicaStartedAfterTheRevocationRefusesTheToken() {
        TestUser bob = Cluster.user();
        logout(bob);
        Cluster.Node late = Cluster.startMessenger(Map.of());
        try {
            assertThat(bob.get(late.http(), "/api/v1/chats").status(), is(401));
            assertThat(upgradeWith(late, bob.token()), is(Connection.UNAUTHORIZED));
        } finally {
            late.stop();
        }
    }

    @Test
    void aReplicaWhoseSubscriptionBrokeRefusesASessionRevokedMeanwhile() throws Exception {
        TestUser bob = Cluster.user();
        Http a = Cluster.a().http();
        assertThat(bob.get(a, "/api/v1/chats").status(), is(200));
        try (Jedis redis = new Jedis(URI.create(Cluster.infra().redisUrl()))) {
            // Cut every revocation subscription in this JVM, then revoke before they are back.
            String clients = redis.clientList();
            int cut = 0;
            for (String line : clients.split("\n")) {
                if (line.contains("name=" + RevokedSessions.CONNECTION_NAME + " ")) {
                    redis.clientKill(ClientKillParams.clientKillParams().id(line.substring(3, line.indexOf(' '))));
                    cut++;
                }
            }
            assertThat(cut, greaterThan(0));
            logout(bob);
        }
        assertThat(bob.get(a, "/api/v1/chats").status(), is(401));
        assertThat(bob.get(Cluster.b().http(), "/api/v1/chats").status(), is(401));
    }
}

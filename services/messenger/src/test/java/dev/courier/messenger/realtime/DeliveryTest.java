package dev.courier.messenger.realtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import dev.courier.messenger.events.Signals;
import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.http.Json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Real-time delivery of durable events: from the commit on the same replica, from the "changed"
 * signal on the others, and from the log whenever a socket is not caught up (gaps, lost signals).
 */
class DeliveryTest {

    /** A replica that never sweeps during a test: what arrives came from a signal or a gap's log read. */
    private static Cluster.Node unswept;
    private static JedisPooled redis;

    @BeforeAll
    static void start() {
        unswept = Cluster.startMessenger(Map.of("courier.messenger.ws.sweepmillis", "600000"));
        redis = new JedisPooled(java.net.URI.create(Cluster.infra().redisUrl()));
    }

    @AfterAll
    static void stop() {
        unswept.stop();
        redis.close();
    }

    private static List<JsonNode> durable(WsTestClient ws, int n, Duration timeout) {
        List<JsonNode> out = new ArrayList<>();
        long end = System.nanoTime() + timeout.toNanos();
        while (out.size() < n) {
            Duration left = Duration.ofNanos(Math.max(1, end - System.nanoTime()));
            out.add(ws.await(f -> f.has("cursor") && !"ready".equals(f.path("type").asText()), left));
        }
        return out;
    }

    /** Appends an event to a user's log the way a commit does, but tells no one (a lost signal). */
    private static long appendSilently(long userId, Map<String, Object> event) throws SQLException {
        try (Connection c = Cluster.db()) {
            c.setAutoCommit(false);
            long cursor;
            try (PreparedStatement next = c.prepareStatement("""
                    INSERT INTO user_cursors (user_id, last_cursor) VALUES (?, 1)
                    ON CONFLICT (user_id) DO UPDATE SET last_cursor = user_cursors.last_cursor + 1 RETURNING last_cursor
                    """)) {
                next.setLong(1, userId);
                try (ResultSet rs = next.executeQuery()) {
                    rs.next();
                    cursor = rs.getLong(1);
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO user_events (user_id, cursor, payload) VALUES (?, ?, ?)")) {
                insert.setLong(1, userId);
                insert.setLong(2, cursor);
                insert.setBytes(3, Json.write(event));
                insert.executeUpdate();
            }
            c.commit();
            return cursor;
        }
    }

    /** Publishes a "changed" signal as another replica would, carrying one event for one user. */
    private static void signal(long userId, long cursor, Map<String, Object> event) {
        var changed = new Signals.Changed(List.of(userId), List.of(),
                List.of(new Signals.Carried(Json.writeString(event), List.of(new Signals.Cursor(userId, cursor)))), "another-replica");
        redis.publish(Signals.CHANGED, Json.writeString(changed));
    }

    /** Waits until the replica's subscription delivers signals to this socket. */
    private static void awaitSubscribed(WsTestClient ws, long userId) {
        for (int i = 0; i < 100; i++) {
            redis.publish(Signals.EPHEMERAL, Json.writeString(new Signals.Ephemeral(List.of(userId), Map.of("type", "probe"))));
            try {
                ws.await(f -> "probe".equals(f.path("type").asText()), Duration.ofMillis(200));
                return;
            } catch (AssertionError notYet) {
                // Not subscribed yet.
            }
        }
        throw new AssertionError("The replica never subscribed to signals");
    }

    @Test
    void membersOnBothReplicasGetEveryMessageOnceInCursorOrder() {
        Cluster.Node a = Cluster.a();
        Cluster.Node b = Cluster.b();
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (WsTestClient onA = WsTestClient.connect(a.ws() + "?token=" + bob.token());
             WsTestClient onB = WsTestClient.connect(b.ws() + "?token=" + bob.token())) {
            long startA = onA.awaitType("ready").get("cursor").asLong();
            long startB = onB.awaitType("ready").get("cursor").asLong();
            assertThat(startB, is(startA));
            List<Long> sent = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                sent.add(alice.sendTo(a.http(), bob, "burst " + i).get("id").asLong());
            }
            for (WsTestClient ws : List.of(onA, onB)) {
                List<JsonNode> got = durable(ws, sent.size(), Duration.ofSeconds(20));
                got.addAll(ws.drain(Duration.ofMillis(500)).stream().filter(f -> f.has("cursor")).toList());
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i).get("cursor").asLong(), is(startA + 1 + i));
                    ids.add(got.get(i).get("message").get("id").asLong());
                }
                assertThat(ids, is(sent));
            }
        }
    }

    @Test
    void anEventWhoseSignalWasLostStillArrivesThenTheNextOnesInOrder() throws Exception {
        Cluster.Node swept = Cluster.startMessenger(Map.of("courier.messenger.ws.sweepmillis", "300"));
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(swept.ws() + "?token=" + bob.token())) {
            long start = ws.awaitType("ready").get("cursor").asLong();
            long lost = appendSilently(bob.id(), Map.of("type", "note", "text", "nobody signalled this"));
            assertThat(lost, is(start + 1));
            JsonNode healed = durable(ws, 1, Duration.ofSeconds(10)).get(0);
            assertThat(healed.get("cursor").asLong(), is(start + 1));
            assertThat(healed.get("text").asText(), is("nobody signalled this"));

            long id = alice.sendTo(swept.http(), bob, "after the lost one").get("id").asLong();
            JsonNode next = durable(ws, 1, Duration.ofSeconds(10)).get(0);
            assertThat(next.get("cursor").asLong(), is(start + 2));
            assertThat(next.get("message").get("id").asLong(), is(id));
        } finally {
            swept.stop();
        }
    }

    @Test
    void aCaughtUpSocketIsSentTheEventTheSignalCarries() throws Exception {
        TestUser bob = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(unswept.ws() + "?token=" + bob.token())) {
            long start = ws.awaitType("ready").get("cursor").asLong();
            awaitSubscribed(ws, bob.id());
            long cursor = appendSilently(bob.id(), Map.of("type", "note", "text", "stored"));
            // The carried copy differs from the stored one only so the test can tell which was sent.
            signal(bob.id(), cursor, Map.of("type", "note", "text", "carried"));
            JsonNode f = durable(ws, 1, Duration.ofSeconds(10)).get(0);
            assertThat(f.get("cursor").asLong(), is(start + 1));
            assertThat(f.get("text").asText(), is("carried"));
            // The same signal again (a replica's echo, a retry) is not sent twice.
            signal(bob.id(), cursor, Map.of("type", "note", "text", "carried"));
            assertThat(ws.drain(Duration.ofMillis(700)).stream().filter(x -> x.has("cursor")).count(), is(0L));
        }
    }

    @Test
    void aSocketThatMissedAnEventGetsItFromTheLogBeforeTheSignalledOne() throws Exception {
        TestUser bob = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(unswept.ws() + "?token=" + bob.token())) {
            long start = ws.awaitType("ready").get("cursor").asLong();
            awaitSubscribed(ws, bob.id());
            appendSilently(bob.id(), Map.of("type", "note", "text", "missed"));
            long second = appendSilently(bob.id(), Map.of("type", "note", "text", "stored second"));
            signal(bob.id(), second, Map.of("type", "note", "text", "carried second"));
            List<JsonNode> got = durable(ws, 2, Duration.ofSeconds(10));
            assertThat(got.get(0).get("cursor").asLong(), is(start + 1));
            assertThat(got.get(0).get("text").asText(), is("missed"));
            assertThat(got.get(1).get("cursor").asLong(), is(start + 2));
            assertThat(got.get(1).get("text").asText(), is("stored second"));
            assertThat(ws.drain(Duration.ofMillis(500)).stream().filter(x -> x.has("cursor")).count(), is(0L));
        }
    }

    @Test
    void aSignalForSomeoneElseIsNotSentToThisSocket() throws Exception {
        TestUser bob = Cluster.user();
        TestUser eve = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(unswept.ws() + "?token=" + eve.token())) {
            ws.awaitType("ready");
            awaitSubscribed(ws, eve.id());
            long cursor = appendSilently(bob.id(), Map.of("type", "note", "text", "bob's"));
            signal(bob.id(), cursor, Map.of("type", "note", "text", "bob's"));
            assertThat(ws.drain(Duration.ofMillis(700)).stream().filter(x -> x.has("cursor")).count(), is(0L));
        }
    }
}

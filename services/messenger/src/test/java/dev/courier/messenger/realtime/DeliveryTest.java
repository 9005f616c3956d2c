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

import dev.courier.messenger.events.Appended;
import dev.courier.messenger.events.Signals;
import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.http.Json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Real-time delivery of durable events: from the commit on the same replica, from the "changed"
 * signal on the others, and from the database whenever a replica misses a signal (a gap, or a lost
 * last signal found by the sweep).
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

    /** Appends an event of a chat to the stream without any signal; returns its position. */
    private static long appendSilently(long conversationId, Map<String, Object> event) throws SQLException {
        try (Connection c = Cluster.db()) {
            c.setAutoCommit(false);
            long pos;
            try (PreparedStatement next = c.prepareStatement("UPDATE stream_head SET pos = pos + 1 RETURNING pos")) {
                try (ResultSet rs = next.executeQuery()) {
                    rs.next();
                    pos = rs.getLong(1);
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO stream_events (pos, conversation_id, payload) VALUES (?, ?, ?)")) {
                insert.setLong(1, pos);
                insert.setLong(2, conversationId);
                insert.setBytes(3, Json.write(event));
                insert.executeUpdate();
            }
            c.commit();
            return pos;
        }
    }

    /** Publishes a "changed" signal as another replica would, carrying one event of a chat. */
    private static void signal(long pos, long conversationId, Map<String, Object> event) {
        var changed = new Signals.Changed(List.of(new Appended(pos, conversationId, Json.writeString(event), List.of(), List.of())),
                "another-replica");
        redis.publish(Signals.CHANGED, Json.writeString(changed));
    }

    /** A direct chat between two new users (made by a first message), as {id, alice, bob}. */
    private record Chat(long id, TestUser alice, TestUser bob) {
    }

    private static Chat chat(Cluster.Node node) {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        long id = alice.sendTo(node.http(), bob, "hello").get("conversationId").asLong();
        return new Chat(id, alice, bob);
    }

    /** Waits until the replica's subscription delivers signals to this socket. */
    private static void awaitSubscribed(WsTestClient ws, long userId) {
        for (int i = 0; i < 100; i++) {
            redis.publish(Signals.EPHEMERAL, Json.writeString(new Signals.Ephemeral(List.of(userId), null, null, Map.of("type", "probe"))));
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
            onA.awaitType("ready");
            onB.awaitType("ready");
            List<Long> sent = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                sent.add(alice.sendTo(a.http(), bob, "burst " + i).get("id").asLong());
            }
            List<List<Long>> cursors = new ArrayList<>();
            for (WsTestClient ws : List.of(onA, onB)) {
                List<JsonNode> got = durable(ws, sent.size(), Duration.ofSeconds(20));
                got.addAll(ws.drain(Duration.ofMillis(500)).stream().filter(f -> f.has("cursor")).toList());
                List<Long> ids = new ArrayList<>();
                List<Long> seen = new ArrayList<>();
                for (JsonNode f : got) {
                    long cursor = f.get("cursor").asLong();
                    // Cursors are opaque and grow with every event; they need not be consecutive.
                    assertThat(seen.isEmpty() || cursor > seen.get(seen.size() - 1), is(true));
                    seen.add(cursor);
                    ids.add(f.get("message").get("id").asLong());
                }
                assertThat(ids, is(sent));
                cursors.add(seen);
            }
            // Both replicas send the same event at the same stream position.
            assertThat(cursors.get(1), is(cursors.get(0)));
        }
    }

    @Test
    void anEventWhoseSignalWasLostStillArrivesThenTheNextOnesInOrder() throws Exception {
        Cluster.Node swept = Cluster.startMessenger(Map.of("courier.messenger.ws.sweepmillis", "300"));
        Chat chat = chat(swept);
        try (WsTestClient ws = WsTestClient.connect(swept.ws() + "?token=" + chat.bob().token())) {
            long start = ws.awaitType("ready").get("cursor").asLong();
            long lost = appendSilently(chat.id(), Map.of("type", "note", "text", "nobody signalled this"));
            assertThat(lost > start, is(true));
            JsonNode healed = durable(ws, 1, Duration.ofSeconds(10)).get(0);
            assertThat(healed.get("cursor").asLong(), is(lost));
            assertThat(healed.get("text").asText(), is("nobody signalled this"));

            long id = chat.alice().sendTo(swept.http(), chat.bob(), "after the lost one").get("id").asLong();
            JsonNode next = durable(ws, 1, Duration.ofSeconds(10)).get(0);
            assertThat(next.get("cursor").asLong() > lost, is(true));
            assertThat(next.get("message").get("id").asLong(), is(id));
        } finally {
            swept.stop();
        }
    }

    @Test
    void aCaughtUpSocketIsSentTheEventTheSignalCarries() throws Exception {
        Chat chat = chat(unswept);
        try (WsTestClient ws = WsTestClient.connect(unswept.ws() + "?token=" + chat.bob().token())) {
            ws.awaitType("ready");
            awaitSubscribed(ws, chat.bob().id());
            long pos = appendSilently(chat.id(), Map.of("type", "note", "text", "stored"));
            // The carried copy differs from the stored one only so the test can tell which was sent.
            signal(pos, chat.id(), Map.of("type", "note", "text", "carried"));
            JsonNode f = durable(ws, 1, Duration.ofSeconds(10)).get(0);
            assertThat(f.get("cursor").asLong(), is(pos));
            assertThat(f.get("text").asText(), is("carried"));
            // The same signal again (a replica's echo, a retry) is not sent twice.
            signal(pos, chat.id(), Map.of("type", "note", "text", "carried"));
            assertThat(ws.drain(Duration.ofMillis(700)).stream().filter(x -> x.has("cursor")).count(), is(0L));
        }
    }

    @Test
    void aReplicaThatMissedAnEventReadsItFromTheDatabaseBeforeTheSignalledOne() throws Exception {
        Chat chat = chat(unswept);
        try (WsTestClient ws = WsTestClient.connect(unswept.ws() + "?token=" + chat.bob().token())) {
            ws.awaitType("ready");
            awaitSubscribed(ws, chat.bob().id());
            long missed = appendSilently(chat.id(), Map.of("type", "note", "text", "missed"));
            long second = appendSilently(chat.id(), Map.of("type", "note", "text", "stored second"));
            signal(second, chat.id(), Map.of("type", "note", "text", "carried second"));
            List<JsonNode> got = durable(ws, 2, Duration.ofSeconds(10));
            assertThat(got.get(0).get("cursor").asLong(), is(missed));
            assertThat(got.get(0).get("text").asText(), is("missed"));
            assertThat(got.get(1).get("cursor").asLong(), is(second));
            assertThat(got.get(1).get("text").asText(), is("carried second"));
            assertThat(ws.drain(Duration.ofMillis(500)).stream().filter(x -> x.has("cursor")).count(), is(0L));
        }
    }

    @Test
    void anEventOfSomeoneElsesChatIsNotSentToThisSocket() throws Exception {
        Chat chat = chat(unswept);
        TestUser eve = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(unswept.ws() + "?token=" + eve.token())) {
            ws.awaitType("ready");
            awaitSubscribed(ws, eve.id());
            long pos = appendSilently(chat.id(), Map.of("type", "note", "text", "bob's"));
            signal(pos, chat.id(), Map.of("type", "note", "text", "bob's"));
            assertThat(ws.drain(Duration.ofMillis(700)).stream().filter(x -> x.has("cursor")).count(), is(0L));
        }
    }
}

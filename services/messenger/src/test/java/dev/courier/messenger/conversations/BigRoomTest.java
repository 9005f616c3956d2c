package dev.courier.messenger.conversations;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.courier.infra.Endpoints;
import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.OwnMessenger;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A message and a membership change cost the same in a room of three and in a room of thousands:
 * the rows they write do not depend on the room's size. Members of a big room on two replicas get
 * every message once, in order, and one that reconnects resumes with nothing missing or doubled.
 */
class BigRoomTest {

    private static final int BIG = 3_000;
    /** Tables whose rows a send or a join may write (the outbox's are the relay's business). */
    private static final List<String> TABLES = List.of("conversations", "members", "member_periods", "messages",
            "stream_events", "stream_head");

    // A database of its own, so nothing but this test writes while rows are counted.
    @RegisterExtension
    static final OwnMessenger node = OwnMessenger.onDatabase("courier_messenger_big_rooms");

    private static Connection db() throws SQLException {
        Endpoints e = Cluster.infra();
        String url = e.dbUrl().substring(0, e.dbUrl().lastIndexOf('/') + 1) + "courier_messenger_big_rooms";
        Connection c = DriverManager.getConnection(url, e.dbUser(), e.dbPassword());
        try (var st = c.createStatement()) {
            st.execute("SET search_path TO messenger");
        }
        return c;
    }

    /** Adds {@code n} members that exist only in messenger's tables, as joins would have. */
    private static void fill(Connection c, long room, long firstUserId, int n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO members (conversation_id, user_id, role) SELECT ?, u, 'member' FROM generate_series(?::bigint, ?::bigint) u""")) {
            ps.setLong(1, room);
            ps.setLong(2, firstUserId);
            ps.setLong(3, firstUserId + n - 1);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE conversations SET member_count = member_count + ? WHERE id = ?")) {
            ps.setInt(1, n);
            ps.setLong(2, room);
            ps.executeUpdate();
        }
    }

    /** The transaction id a later write's rows will have as xmin, at least. */
    private static long nextXid(Connection c) throws SQLException {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows of each table inserted or updated by transactions from {@code xid} on. */
    private static Map<String, Long> rowsWrittenSince(Connection c, long xid) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : TABLES) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM " + table + " WHERE xmin::text::bigint >= ? % 4294967296")) {
                ps.setLong(1, xid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                }
            }
        }
        return rows;
    }

    private static long createRoom(TestUser owner) {
        var r = owner.post(node.http(), "/api/v1/rooms", Map.of("name", "big-" + java.util.UUID.randomUUID(), "isPrivate", false));
        assertThat(r.body(), r.status(), is(201));
        return r.json().get("id").asLong();
    }

    private static Map<String, Long> rowsOfASend(Connection c, TestUser sender, long room) throws SQLException {
        long xid = nextXid(c);
        var r = sender.post(node.http(), "/api/v1/chats/" + room + "/messages", Map.of("text", "hello"));
        assertThat(r.body(), r.status(), is(201));
        return rowsWrittenSince(c, xid);
    }

    private static Map<String, Long> rowsOfAJoin(Connection c, TestUser joiner, long room) throws SQLException {
        long xid = nextXid(c);
        var r = joiner.post(node.http(), "/api/v1/rooms/" + room + "/join", Map.of());
        assertThat(r.body(), r.status(), is(200));
        return rowsWrittenSince(c, xid);
    }

    @Test
    void aSendAndAJoinWriteTheSameRowsInARoomOfThreeAndOfThreeThousand() throws Exception {
        TestUser owner = Cluster.user();
        long small = createRoom(owner);
        long big = createRoom(owner);
        try (Connection c = db()) {
            fill(c, small, 2_000_000_000L, 2);
            fill(c, big, 3_000_000_000L, BIG);

            Map<String, Long> sendSmall = rowsOfASend(c, owner, small);
            Map<String, Long> sendBig = rowsOfASend(c, owner, big);
            assertThat(sendBig, is(sendSmall));
            // One message, one stream event, the counter, the chat's newest message: nothing per member.
            assertThat(sendBig, is(Map.of("conversations", 1L, "members", 0L, "member_periods", 0L, "messages", 1L,
                    "stream_events", 1L, "stream_head", 1L)));

            Map<String, Long> joinSmall = rowsOfAJoin(c, Cluster.user(), small);
            Map<String, Long> joinBig = rowsOfAJoin(c, Cluster.user(), big);
            assertThat(joinBig, is(joinSmall));
            assertThat(joinBig, is(Map.of("conversations", 1L, "members", 1L, "member_periods", 0L, "messages", 0L,
                    "stream_events", 1L, "stream_head", 1L)));
        }
        // The room says how big it is, and its member list comes in pages.
        JsonNode info = owner.get(node.http(), "/api/v1/rooms/" + big).json();
        assertThat(info.get("memberCount").asInt(), is(BIG + 2));
        assertThat(info.get("members").size(), is(Rooms.MEMBERS_PAGE));
        int listed = 0;
        String next = null;
        do {
            JsonNode page = owner.get(node.http(), "/api/v1/rooms/" + big + "/members?limit=1000"
                    + (next == null ? "" : "&after=" + next)).json();
            listed += page.get("members").size();
            next = page.path("next").isTextual() ? page.get("next").asText() : null;
        } while (next != null);
        assertThat(listed, is(BIG + 2));
    }

    @Test
    void membersOfABigRoomOnTwoReplicasGetEveryMessageOnceAndAResumeMissesNothing() throws Exception {
        Cluster.Node other = Cluster.startMessenger(Map.of("courier.db.url", Cluster.privateDatabase("courier_messenger_big_rooms")));
        try {
            TestUser owner = Cluster.user();
            TestUser onA = Cluster.user();
            TestUser onB = Cluster.user();
            long room = createRoom(owner);
            try (Connection c = db()) {
                fill(c, room, 4_000_000_000L, BIG);
            }
            for (TestUser u : List.of(onA, onB)) {
                assertThat(u.post(node.http(), "/api/v1/rooms/" + room + "/join", Map.of()).status(), is(200));
            }
            List<Long> sent = new ArrayList<>();
            long resumeFrom;
            List<Long> before = new ArrayList<>();
            try (WsTestClient a = WsTestClient.connect(node.ws() + "?token=" + onA.token());
                 WsTestClient b = WsTestClient.connect(other.ws() + "?token=" + onB.token())) {
                a.awaitType("ready");
                resumeFrom = b.awaitType("ready").get("cursor").asLong();
                for (int i = 0; i < 40; i++) {
                    var via = i % 2 == 0 ? node.http() : other.http();
                    sent.add(owner.post(via, "/api/v1/chats/" + room + "/messages", Map.of("text", "m" + i)).json().get("id").asLong());
                    if (i == 19) {
                        // b goes away after 20 messages, remembering its cursor.
                        List<JsonNode> got = created(b, room, 20);
                        before.addAll(got.stream().map(f -> f.get("message").get("id").asLong()).toList());
                        resumeFrom = got.get(got.size() - 1).get("cursor").asLong();
                    }
                }
                List<JsonNode> gotA = created(a, room, 40);
                assertThat(gotA.stream().map(f -> f.get("message").get("id").asLong()).toList(), is(sent));
                assertIncreasing(gotA);
                assertThat(a.drain(Duration.ofMillis(500)).stream().filter(f -> f.has("cursor")).count(), is(0L));
            }
            assertThat(before, is(sent.subList(0, 20)));
            try (WsTestClient b = WsTestClient.connect(other.ws() + "?token=" + onB.token() + "&cursor=" + resumeFrom)) {
                List<JsonNode> rest = created(b, room, 20);
                assertThat(rest.stream().map(f -> f.get("message").get("id").asLong()).toList(), is(sent.subList(20, 40)));
                assertIncreasing(rest);
                assertThat(rest.get(0).get("cursor").asLong() > resumeFrom, is(true));
                assertThat(b.drain(Duration.ofMillis(500)).stream().filter(f -> f.has("cursor")).count(), is(0L));
            }
        } finally {
            other.stop();
        }
    }

    private static List<JsonNode> created(WsTestClient ws, long room, int n) {
        List<JsonNode> out = new ArrayList<>();
        while (out.size() < n) {
            out.add(ws.await(f -> "message.created".equals(f.path("type").asText())
                    && f.path("conversationId").asLong() == room, Duration.ofSeconds(20)));
        }
        return out;
    }

    private static void assertIncreasing(List<JsonNode> frames) {
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).get("cursor").asLong() > frames.get(i - 1).get("cursor").asLong(), is(true));
        }
    }
}

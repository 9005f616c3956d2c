package dev.courier.messenger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.testing.Http;
import dev.courier.messenger.testing.TestUser;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The per-user durable event log over REST: ordered, paged, resumable by cursor. */
class SyncTest {

    private final Http http = Cluster.a().http();

    @Test
    void syncReplaysEveryEventAfterACursorInOrderAndPaged() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        long m1 = alice.sendTo(http, bob, "one").get("id").asLong();
        long m2 = alice.sendTo(http, bob, "two").get("id").asLong();
        alice.call(http, "PATCH", "/api/v1/messages/" + m1, Map.of("text", "uno"));

        JsonNode page = bob.get(http, "/api/v1/sync?after=0&limit=2").json();
        assertThat(page.get("events").size(), is(2));
        assertThat(page.get("hasMore").asBoolean(), is(true));
        long c1 = page.get("events").get(0).get("cursor").asLong();
        long c2 = page.get("events").get(1).get("cursor").asLong();
        assertThat(c2 > c1, is(true));
        assertThat(page.get("cursor").asLong(), is(c2));
        assertThat(page.get("events").get(0).get("type").asText(), is("message.created"));
        assertThat(page.get("events").get(0).get("message").get("id").asLong(), is(m1));
        assertThat(page.get("events").get(1).get("message").get("id").asLong(), is(m2));

        JsonNode rest = bob.get(http, "/api/v1/sync?after=" + page.get("cursor").asLong()).json();
        assertThat(rest.get("events").size(), is(1));
        assertThat(rest.get("events").get(0).get("type").asText(), is("message.edited"));
        long c3 = rest.get("events").get(0).get("cursor").asLong();
        assertThat(c3 > c2, is(true));
        assertThat(rest.get("hasMore").asBoolean(), is(false));
        // Nothing more for bob: the cursor moves on to the stream's head, past other users' events.
        assertThat(rest.get("cursor").asLong() >= c3, is(true));
        assertThat(bob.get(http, "/api/v1/sync?after=" + c3).json().get("events").size(), is(0));
        assertThat(bob.get(http, "/api/v1/sync?after=" + rest.get("cursor").asLong()).json().get("events").size(), is(0));
    }

    @Test
    void aReplayedMessageShowsItAsItIsNowAndTheStreamKeepsOneRowPerEvent() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        JsonNode first = alice.sendTo(http, bob, "first");
        long chat = first.get("conversationId").asLong();
        long kept = alice.post(http, "/api/v1/chats/" + chat + "/messages", Map.of("clientId", "k", "text", "kept")).json().get("id").asLong();
        long edited = alice.post(http, "/api/v1/chats/" + chat + "/messages", Map.of("clientId", "e", "text", "draft")).json().get("id").asLong();
        long removed = alice.post(http, "/api/v1/chats/" + chat + "/messages", Map.of("clientId", "r", "text", "secret")).json().get("id").asLong();
        alice.call(http, "PATCH", "/api/v1/messages/" + edited, Map.of("text", "final"));
        alice.call(http, "DELETE", "/api/v1/messages/" + removed, null);

        JsonNode events = bob.get(http, "/api/v1/sync?after=0").json().get("events");
        assertThat(events.size(), is(6));
        for (int i = 0; i < 4; i++) {
            assertThat(events.get(i).get("type").asText(), is("message.created"));
            assertThat(events.get(i).get("conversationId").asLong(), is(chat));
            assertThat(events.get(i).get("conversationKind").asText(), is("direct"));
        }
        assertThat(events.get(0).get("message").get("id").asLong(), is(first.get("id").asLong()));
        assertThat(events.get(1).get("message").get("id").asLong(), is(kept));
        assertThat(events.get(1).get("message").get("text").asText(), is("kept"));
        assertThat(events.get(1).get("message").get("senderId").asLong(), is(alice.id()));
        // Created as "draft", replayed as the message is now; the edit event follows at its cursor.
        assertThat(events.get(2).get("message").get("id").asLong(), is(edited));
        assertThat(events.get(2).get("message").get("text").asText(), is("final"));
        assertThat(events.get(2).get("message").has("editedAt"), is(true));
        // A deleted message's creation replays without its content.
        assertThat(events.get(3).get("message").get("id").asLong(), is(removed));
        assertThat(events.get(3).get("message").get("deleted").asBoolean(), is(true));
        assertThat(events.get(3).get("message").has("text"), is(false));
        assertThat(events.get(4).get("type").asText(), is("message.edited"));
        assertThat(events.get(5).get("type").asText(), is("message.deleted"));

        // One row per event for both members; a creation names the message instead of holding a copy.
        try (Connection c = Cluster.db(); PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FILTER (WHERE payload IS NULL AND message_id IS NOT NULL), count(*)
                FROM stream_events WHERE conversation_id = ?""")) {
            ps.setLong(1, chat);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1), is(4L));
                assertThat(rs.getLong(2), is(6L));
            }
        }
    }

    @Test
    void badCursorsAreRefusedWithTheField() {
        TestUser alice = Cluster.user();
        assertThat(alice.get(http, "/api/v1/sync?after=-1").json().get("field").asText(), is("after"));
        assertThat(alice.get(http, "/api/v1/sync?after=x").json().get("field").asText(), is("after"));
        assertThat(alice.get(http, "/api/v1/sync?after=9000000000000000").json().get("field").asText(), is("after"));
        assertThat(alice.get(http, "/api/v1/sync?after=0&limit=0").json().get("field").asText(), is("limit"));
    }
}

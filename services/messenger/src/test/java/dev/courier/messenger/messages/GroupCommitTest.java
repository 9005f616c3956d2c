package dev.courier.messenger.messages;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;

/** Concurrent sends are committed in groups; each sender still gets its own, correct answer. */
class GroupCommitTest {

    private final Http http = Cluster.a().http();

    private long room(TestUser owner, List<TestUser> members) {
        long id = owner.post(http, "/api/v1/rooms", Map.of("name", "g-" + UUID.randomUUID(), "isPrivate", false))
                .json().get("id").asLong();
        for (TestUser u : members) {
            assertThat(u.post(http, "/api/v1/rooms/" + id + "/join", null).status(), is(200));
        }
        return id;
    }

    private static <T> List<T> all(List<Callable<T>> calls) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = pool.invokeAll(calls);
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    @Test
    void manyConcurrentSendersIntoOneChatAndManyChatsAreEachStoredOnceInIdOrderWithDenseCursors() throws Exception {
        TestUser owner = Cluster.user();
        List<TestUser> senders = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            senders.add(Cluster.user());
        }
        long shared = room(owner, senders);
        List<Long> directChats = new ArrayList<>();
        for (TestUser s : senders) {
            directChats.add(s.sendTo(http, owner, "hello").get("conversationId").asLong());
        }
        List<Callable<JsonNode>> calls = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < senders.size(); i++) {
                TestUser s = senders.get(i);
                long direct = directChats.get(i);
                String text = "r" + round + "-" + i;
                calls.add(() -> ack(s.post(http, "/api/v1/chats/" + shared + "/messages", Map.of("clientId", "s-" + text, "text", text))));
                calls.add(() -> ack(s.post(http, "/api/v1/chats/" + direct + "/messages", Map.of("clientId", "d-" + text, "text", text))));
            }
        }
        List<JsonNode> acks = all(calls);

        Set<Long> ackedIds = new HashSet<>();
        acks.forEach(a -> ackedIds.add(a.get("id").asLong()));
        assertThat(ackedIds.size(), is(calls.size()));
        try (Connection c = Cluster.db()) {
            List<Long> sharedIds = longs(c, "SELECT id FROM messages WHERE conversation_id = ? ORDER BY id", shared);
            assertThat(sharedIds.size(), is(60));
            for (long chat : directChats) {
                assertThat(longs(c, "SELECT id FROM messages WHERE conversation_id = ? ORDER BY id", chat).size(), is(11));
            }
            // The chat's outbox rows (what Kafka gets, in id order) follow message id order.
            List<Long> outboxOrder = longs(c, """
                    SELECT (convert_from(payload, 'UTF8')::jsonb -> 'message' ->> 'id')::bigint FROM outbox
                    WHERE conversation_id = ? ORDER BY id""", shared);
            assertThat(outboxOrder, is(sharedIds));
            // The stream has every message of every chat once (one row, whatever the chat's size), at
            // positions in message id order per chat.
            assertThat(longs(c, "SELECT message_id FROM stream_events WHERE conversation_id = ? AND message_id IS NOT NULL ORDER BY pos",
                    shared), is(sharedIds));
            for (long chat : directChats) {
                assertThat(longs(c, "SELECT message_id FROM stream_events WHERE conversation_id = ? AND message_id IS NOT NULL ORDER BY pos",
                        chat), is(longs(c, "SELECT id FROM messages WHERE conversation_id = ? ORDER BY id", chat)));
            }
        }
    }

    @Test
    void aGroupMixingValidSendsWithSendsIntoAStrangersChatAnswersEachOnItsOwn() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        TestUser mallory = Cluster.user();
        long chat = alice.sendTo(http, bob, "hi").get("conversationId").asLong();
        long stranger = Cluster.user().sendTo(http, Cluster.user(), "private").get("conversationId").asLong();
        List<Callable<Http.Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String n = Integer.toString(i);
            calls.add(() -> alice.post(http, "/api/v1/chats/" + chat + "/messages", Map.of("clientId", "ok-" + n, "text", "ok " + n)));
            calls.add(() -> mallory.post(http, "/api/v1/chats/" + chat + "/messages", Map.of("clientId", "no-" + n, "text", "no " + n)));
            calls.add(() -> alice.post(http, "/api/v1/chats/" + stranger + "/messages", Map.of("text", "no " + n)));
            calls.add(() -> alice.post(http, "/api/v1/chats/" + Long.MAX_VALUE + "/messages", Map.of("text", "no " + n)));
        }
        List<Http.Response> answers = all(calls);
        List<Integer> refused = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            int status = answers.get(i).status();
            if (i % 4 == 0) {
                assertThat(status, is(201));
            } else {
                refused.add(status);
            }
        }
        assertThat(refused, everyItem(is(404)));
        try (Connection c = Cluster.db()) {
            assertThat(longs(c, "SELECT id FROM messages WHERE conversation_id = ?", chat).size(), is(21));
            assertThat(longs(c, "SELECT id FROM messages WHERE sender_id = ?", mallory.id()), is(empty()));
            assertThat(longs(c, "SELECT id FROM messages WHERE conversation_id = ?", stranger).size(), is(1));
            assertThat(longs(c, "SELECT pos FROM stream_events WHERE conversation_id = ? AND message_id IS NOT NULL", chat).size(), is(21));
        }
    }

    @Test
    void theSameClientIdSentConcurrentlyGivesOneMessageAndEqualAnswers() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        long chat = alice.sendTo(http, bob, "hi").get("conversationId").asLong();
        Map<String, Object> body = Map.of("clientId", "twice", "text", "only once");
        List<Callable<Http.Response>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> alice.post(http, "/api/v1/chats/" + chat + "/messages", body));
        }
        List<Http.Response> answers = all(calls);
        for (Http.Response r : answers) {
            assertThat(r.status(), is(201));
            assertThat(r.json(), is(answers.get(0).json()));
        }
        try (Connection c = Cluster.db()) {
            assertThat(longs(c, "SELECT id FROM messages WHERE conversation_id = ?", chat).size(), is(2));
            // Two events in the chat: the greeting and the message, nothing for the retries.
            assertThat(longs(c, "SELECT pos FROM stream_events WHERE conversation_id = ?", chat).size(), is(2));
        }
    }

    @Test
    void aSendTheDatabaseRefusesFailsAloneAndTheRestOfItsGroupIsStored() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        long chat = alice.sendTo(http, bob, "hi").get("conversationId").asLong();
        // A trigger refuses marked rows (as a failing disk or a broken constraint would): that
        // insert fails, and with it the transaction of the group it is in.
        String marker = "refused-" + java.util.UUID.randomUUID();
        try (Connection c = Cluster.db(); var st = c.createStatement()) {
            st.execute("""
                    CREATE OR REPLACE FUNCTION test_refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF NEW.text LIKE 'refused-%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
                      RETURN NEW;
                    END $$""");
            st.execute("DROP TRIGGER IF EXISTS test_refuse_marked ON messages");
            st.execute("CREATE TRIGGER test_refuse_marked BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION test_refuse_marked()");
        }
        List<Callable<Http.Response>> calls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String text = i % 10 == 5 ? marker + " " + i : "good " + i;
            calls.add(() -> alice.post(http, "/api/v1/chats/" + chat + "/messages", Map.of("clientId", "f-" + text.hashCode(), "text", text)));
        }
        List<Http.Response> answers;
        try {
            answers = all(calls);
        } finally {
            try (Connection c = Cluster.db(); var st = c.createStatement()) {
                st.execute("DROP TRIGGER IF EXISTS test_refuse_marked ON messages");
            }
        }
        Set<Long> stored = new HashSet<>();
        for (int i = 0; i < answers.size(); i++) {
            if (i % 10 == 5) {
                assertThat(answers.get(i).status() >= 500, is(true));
            } else {
                assertThat(answers.get(i).status(), is(201));
                stored.add(answers.get(i).json().get("id").asLong());
            }
        }
        try (Connection c = Cluster.db()) {
            List<Long> ids = longs(c, "SELECT id FROM messages WHERE conversation_id = ? AND text LIKE 'good %'", chat);
            assertThat(new HashSet<>(ids), is(stored));
            assertThat(ids.size(), is(27));
            List<Long> events = longs(c, "SELECT message_id FROM stream_events WHERE conversation_id = ? ORDER BY pos", chat);
            assertThat(events.size(), is(28));
            assertThat(new HashSet<>(events.subList(1, 28)), is(stored));
        }
    }

    private static JsonNode ack(Http.Response r) {
        assertThat(r.status(), is(201));
        return r.json();
    }

    private static List<Long> longs(Connection c, String sql, Object... params) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        }
    }
}

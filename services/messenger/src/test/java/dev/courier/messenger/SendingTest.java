package dev.courier.messenger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.TopicReader;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;

/** Seed 000's API and the durable core: the message, its outbox row and its Kafka event. */
class SendingTest {

    private final Http http = Cluster.a().http();

    @Test
    void aSentMessageIsStoredAndItsEventReachesKafkaKeyedByChatWithTheRecipients() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES)) {
            var r = alice.post(http, "/send", Map.of("pal_id", bob.id(), "message", "hello bob"));
            assertThat(r.body(), r.status(), is(200));
            JsonNode sent = r.json();
            long id = sent.get("id").asLong();
            assertThat(sent.get("pal_id").asLong(), is(bob.id()));
            assertThat(sent.get("user_id").asLong(), is(alice.id()));
            assertThat(sent.get("message").asText(), is("hello bob"));
            assertThat(Math.abs(sent.get("created_at").asLong() - System.currentTimeMillis() / 1000), lessThanOrEqualTo(60L));

            long conversation;
            try (var c = Cluster.db(); PreparedStatement ps = c.prepareStatement(
                    "SELECT m.conversation_id, m.text, (SELECT count(*) FROM outbox o WHERE o.conversation_id = m.conversation_id) FROM messages m WHERE m.id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next(), is(true));
                    conversation = rs.getLong(1);
                    assertThat(rs.getString(2), is("hello bob"));
                    assertThat(rs.getLong(3), is(1L));
                }
            }

            List<TopicReader.Record> events = topic.await(e -> e.event().message().id() == id, 1, Duration.ofSeconds(30));
            assertThat(events, hasSize(1));
            TopicReader.Record e = events.get(0);
            assertThat(e.key(), is(Long.toString(conversation)));
            assertThat(e.event().type(), is(MessageEvent.CREATED));
            assertThat(e.event().conversationId(), is(conversation));
            assertThat(e.event().conversationKind(), is("direct"));
            assertThat(e.event().recipientIds(), contains(bob.id()));
            assertThat(e.event().message().senderId(), is(alice.id()));
            assertThat(e.event().message().text(), is("hello bob"));
            assertThat(e.event().eventId(), notNullValue());
        }
    }

    @Test
    void seedChatListsTheConversationNewestFirstWithOffsetAndLimit() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        for (int i = 1; i <= 3; i++) {
            assertThat(alice.post(http, "/send", Map.of("pal_id", bob.id(), "message", "m" + i)).status(), is(200));
        }
        assertThat(bob.post(http, "/send", Map.of("pal_id", alice.id(), "message", "reply")).status(), is(200));

        JsonNode page = bob.get(http, "/chat?pal_id=" + alice.id() + "&offset=1&limit=2").json();
        assertThat(page.size(), is(2));
        assertThat(page.get(0).get("message").asText(), is("m3"));
        assertThat(page.get(1).get("message").asText(), is("m2"));
        assertThat(page.get(0).get("user_id").asLong(), is(alice.id()));
        assertThat(page.get(0).get("pal_id").asLong(), is(bob.id()));
        assertThat(page.get(0).has("created_at"), is(true));

        JsonNode chats = alice.get(http, "/chats").json();
        assertThat(chats.size(), is(1));
        assertThat(chats.get(0).get("message").asText(), is("reply"));
        assertThat(chats.get(0).get("user_id").asLong(), is(bob.id()));
        assertThat(chats.get(0).get("pal_id").asLong(), is(alice.id()));
        assertThat(chats.get(0).get("created_at").asLong(), greaterThan(0L));
    }

    @Test
    void messagingAUserThatDoesNotExistIsRefusedAndCreatesNothing() {
        TestUser alice = Cluster.user();
        var r = alice.post(http, "/send", Map.of("pal_id", 9_000_000_000L, "message", "anyone?"));
        assertThat(r.status(), is(400));
        assertThat(r.header("Content-Type"), is("application/problem+json"));
        assertThat(r.json().get("field").asText(), is("pal_id"));
        assertThat(alice.get(http, "/chats").json().size(), is(0));
    }

    @Test
    void sendingRequiresAValidToken() {
        var r = http.post("/send", Map.of("pal_id", 1, "message", "x"), Map.of());
        assertThat(r.status(), is(401));
        r = http.post("/send", Map.of("pal_id", 1, "message", "x"), Map.of("Authorization", "Bearer not.a.token"));
        assertThat(r.status(), is(401));
    }

    @Test
    void malformedSeedBodiesNameTheField() {
        TestUser alice = Cluster.user();
        var r = alice.post(http, "/send", "{\"pal_id\":\"x\",\"message\":\"a\"}");
        assertThat(r.status(), is(400));
        assertThat(r.json().get("field").asText(), is("pal_id"));
        r = alice.post(http, "/send", "{\"pal_id\":5,\"message\":\"   \"}");
        assertThat(r.json().get("field").asText(), is("message"));
        r = alice.post(http, "/send", "{not json");
        assertThat(r.status(), is(400));
        r = alice.get(http, "/chat?pal_id=abc");
        assertThat(r.json().get("field").asText(), is("pal_id"));
    }
}

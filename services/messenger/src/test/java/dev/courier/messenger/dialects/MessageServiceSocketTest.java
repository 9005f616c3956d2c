package dev.courier.messenger.dialects;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.TopicReader;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * Seed 004's (message-service) socket over a real WebSocket against real auth and messenger: its
 * README's {@code register} and {@code message} examples as written (with a real token, chat and
 * sender id), then {@code edit_message} and {@code delete_message} between two users.
 */
class MessageServiceSocketTest {

    private final Http messenger = Cluster.a().http();

    /** The README's registration example. */
    private static String register(TestUser u, long chatId) {
        return """
                {
                  "type": "register",
                  "token": "%s",
                  "chat_id": %d
                }""".formatted(u.token(), chatId);
    }

    /** The README's message example. */
    private static String message(String id, long senderId) {
        return """
                {
                  "type": "message",
                  "data": {
                    "id": "%s",
                    "sender_id": %d,
                    "message_type": "text",
                    "ciphertext": "encrypted_content",
                    "nonce": "encryption_nonce",
                    "envelopes": {},
                    "created_at": "2024-01-01T12:00:00Z"
                  }
                }""".formatted(id, senderId);
    }

    private static WsTestClient registered(TestUser u, long chat) {
        WsTestClient ws = WsTestClient.connect(Cluster.a().ws());
        ws.sendText(register(u, chat));
        JsonNode ok = ws.awaitType("registered");
        assertThat(ok.get("data").get("chat_id").asLong(), is(chat));
        assertThat(ok.get("data").get("user_id").asLong(), is(u.id()));
        return ws;
    }

    private static JsonNode awaitData(WsTestClient ws, String type, String id) {
        return ws.await(f -> type.equals(f.path("type").asText()) && id.equals(f.path("data").path("id").asText()), Duration.ofSeconds(15));
    }

    private long directChat(TestUser alice, TestUser bob) {
        return alice.sendTo(messenger, bob, "hello").get("conversationId").asLong();
    }

    @Test
    void registerMessageEditDeleteBetweenTwoUsersReachCourierAndKafka() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        long chat = directChat(alice, bob);
        String id = "msg_" + UUID.randomUUID();
        try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES);
             WsTestClient courier = WsTestClient.connect(Cluster.a().ws() + "?token=" + bob.token());
             WsTestClient a = registered(alice, chat);
             WsTestClient b = registered(bob, chat)) {
            courier.awaitType("ready");
            a.sendText(message(id, alice.id()));
            for (WsTestClient ws : List.of(a, b)) {
                JsonNode data = awaitData(ws, "message", id).get("data");
                assertThat(data.get("sender_id").asLong(), is(alice.id()));
                assertThat(data.get("message_type").asText(), is("text"));
                assertThat(data.get("ciphertext").asText(), is("encrypted_content"));
                assertThat(data.get("nonce").asText(), is("encryption_nonce"));
                assertThat(data.get("envelopes").isObject() && data.get("envelopes").isEmpty(), is(true));
            }
            JsonNode created = courier.await(f -> MessageEvent.CREATED.equals(f.path("type").asText())
                    && id.equals(f.path("message").path("clientId").asText()), Duration.ofSeconds(15));
            long serverId = created.get("message").get("id").asLong();
            assertThat(created.get("message").get("ciphertext").asText(), is("encrypted_content"));
            var published = topic.await(r -> MessageEvent.CREATED.equals(r.event().type()) && r.event().message().id() == serverId,
                    1, Duration.ofSeconds(30));
            assertThat(published.get(0).event().message().ciphertext(), is("encrypted_content"));
            assertThat(published.get(0).event().message().nonce(), is("encryption_nonce"));

            // The same id again is the same message (a retry), stored once.
            a.sendText(message(id, alice.id()));

            a.sendText("""
                    {"type":"edit_message","data":{"id":"%s","sender_id":%d,"message_type":"text",
                     "ciphertext":"edited_content","nonce":"nonce_2","envelopes":{"%d":"key_for_bob"}}}""".formatted(id, alice.id(), bob.id()));
            for (WsTestClient ws : List.of(a, b)) {
                JsonNode data = awaitData(ws, "edit_message", id).get("data");
                assertThat(data.get("ciphertext").asText(), is("edited_content"));
                assertThat(data.get("envelopes").get(Long.toString(bob.id())).asText(), is("key_for_bob"));
            }
            courier.await(f -> MessageEvent.EDITED.equals(f.path("type").asText()) && f.path("message").path("id").asLong() == serverId,
                    Duration.ofSeconds(15));

            // Bob cannot edit or delete Alice's message (by her id it is not his; by Courier's id it is hers).
            b.sendText("{\"type\":\"delete_message\",\"data\":{\"id\":\"" + id + "\"}}");
            assertThat(b.awaitType("error").get("data").get("status").asInt(), is(404));
            b.sendText("{\"type\":\"delete_message\",\"data\":{\"id\":\"" + serverId + "\"}}");
            assertThat(b.awaitType("error").get("data").get("status").asInt(), is(403));

            a.sendText("{\"type\":\"delete_message\",\"data\":{\"id\":\"" + id + "\"}}");
            for (WsTestClient ws : List.of(a, b)) {
                assertThat(awaitData(ws, "delete_message", id).get("data").get("sender_id").asLong(), is(alice.id()));
            }
            topic.await(r -> MessageEvent.DELETED.equals(r.event().type()) && r.event().message().id() == serverId, 1, Duration.ofSeconds(30));
            Http.Response history = alice.get(messenger, "/api/v1/chats/" + chat + "/messages");
            assertThat(history.body(), history.body().contains("edited_content"), is(false));

            // Only the seed's frames on its sockets; the message was stored once.
            for (WsTestClient ws : List.of(a, b)) {
                ws.drain(Duration.ofMillis(500));
                assertThat(ws.seen().stream().map(f -> f.path("type").asText())
                        .filter(t -> !List.of("registered", "message", "edit_message", "delete_message", "error").contains(t)).toList(), is(empty()));
            }
            assertThat(a.seen().stream().filter(f -> "message".equals(f.path("type").asText())).count(), is(1L));
        }
    }

    @Test
    void badFramesAreRefusedInTheSeedsShapeAndChangeNothing() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        TestUser mallory = Cluster.user();
        long chat = directChat(alice, bob);
        try (WsTestClient m = WsTestClient.connect(Cluster.a().ws())) {
            m.sendText(message("msg_1", mallory.id()));
            assertThat(m.awaitType("error").get("data").get("status").asInt(), is(401));
            // Another user's chat is not found, and the socket stays unregistered.
            m.sendText(register(mallory, chat));
            JsonNode notMember = m.awaitType("error").get("data");
            assertThat(notMember.get("status").asInt(), is(404));
            assertThat(notMember.get("field").asText(), is("chat_id"));
            m.sendText(message("msg_2", mallory.id()));
            assertThat(m.awaitType("error").get("data").get("status").asInt(), is(401));
        }
        try (WsTestClient a = registered(alice, chat)) {
            a.sendText(message("msg_" + UUID.randomUUID(), bob.id()));
            JsonNode notSender = a.awaitType("error").get("data");
            assertThat(notSender.get("status").asInt(), is(403));
            assertThat(notSender.get("field").asText(), is("data.sender_id"));
            a.sendText(message("msg_" + UUID.randomUUID(), alice.id()).replace("\"text\"", "\"image\""));
            assertThat(a.awaitType("error").get("data").get("field").asText(), is("data.message_type"));
            a.sendText(message("msg_" + UUID.randomUUID(), alice.id()).replace("\"ciphertext\": \"encrypted_content\",", ""));
            assertThat(a.awaitType("error").get("data").get("field").asText(), is("data.ciphertext"));
            a.sendText("{\"type\":\"message\"}");
            assertThat(a.awaitType("error").get("data").get("field").asText(), is("data"));
            a.sendText("{\"type\":\"message\",\"data\":{\"ciphertext\":\"" + "x".repeat(70 * 1024) + "\"}}");
            assertThat(a.awaitType("error").get("data").get("status").asInt(), is(413));
            a.drain(Duration.ofMillis(500));
            assertThat(a.seen().stream().filter(f -> "message".equals(f.path("type").asText())).toList(), is(empty()));
        }
        try (WsTestClient bad = WsTestClient.connect(Cluster.a().ws())) {
            bad.sendText(register(new TestUser(alice.id(), alice.username(), "not-a-token", ""), chat));
            assertThat(bad.awaitType("error").get("data").get("status").asInt(), is(401));
            assertThat(bad.awaitClose(Duration.ofSeconds(5)), is(SeedSockets.UNAUTHORIZED));
        }
    }

    @Test
    void aRevokedSessionClosesTheSocketAndCannotRegister() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        long chat = directChat(alice, bob);
        try (WsTestClient a = registered(alice, chat)) {
            Http.Response out = Cluster.auth().post("/api/v1/auth/logout", Map.of(), alice.bearer());
            assertThat(out.body(), out.status(), is(204));
            assertThat(a.awaitType("error").get("data").get("status").asInt(), is(401));
            assertThat(a.awaitClose(Duration.ofSeconds(5)), is(SeedSockets.UNAUTHORIZED));
        }
        try (WsTestClient again = WsTestClient.connect(Cluster.a().ws())) {
            again.sendText(register(alice, chat));
            assertThat(again.awaitType("error").get("data").get("status").asInt(), is(401));
            assertThat(again.awaitClose(Duration.ofSeconds(5)), is(SeedSockets.UNAUTHORIZED));
        }
    }
}

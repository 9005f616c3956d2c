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
import static org.hamcrest.Matchers.nullValue;

/**
 * Seed 003's (chat-server) socket, its README's wscat session replayed over a real WebSocket against
 * real auth and messenger servers: {@code /ws?token=} with the token from its {@code PUT /login},
 * then its {@code enter} and {@code message} frames as written (with the room's real id).
 */
class ChatServerSocketTest {

    private static final String PASSWORD = "chat-server password 1";
    private static final Duration QUIET = Duration.ofMillis(800);

    private final Http auth = Cluster.auth();
    private final Http messenger = Cluster.a().http();

    private record SeedUser(long uid, String token) {

        Map<String, String> authorization() {
            return Map.of("Authorization", token);
        }
    }

    private SeedUser signUp() {
        String name = "user" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String email = name + "@example.com";
        Http.Response reg = auth.post("/register", Map.of("Username", name, "Email", email, "Password", PASSWORD), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        Http.Response login = auth.method("PUT", "/login", """
                {
                        "Email": "%s",
                        "Password": "%s"
                    }""".formatted(email, PASSWORD), Map.of());
        assertThat(login.body(), login.status(), is(200));
        return new SeedUser(reg.json().get("UID").asLong(), login.json().get("Token").asText());
    }

    private long createRoom(SeedUser owner, boolean isPrivate) {
        Http.Response r = messenger.post("/create-room", """
                {
                        "Name": "GeneralChat%s",
                        "IsPrivate": %s
                    }""".formatted(UUID.randomUUID().toString().substring(0, 8), isPrivate), owner.authorization());
        assertThat(r.body(), r.status(), is(201));
        return r.json().get("RoomID").asLong();
    }

    private void join(Map<String, String> authorization, long room) {
        Http.Response r = messenger.method("PUT", "/join", "{\"RoomID\": " + room + "}", authorization);
        assertThat(r.body(), r.status(), is(200));
    }

    /** wscat -c "ws://localhost:8080/ws?token=…" */
    private static WsTestClient wscat(SeedUser u) {
        return WsTestClient.connect(Cluster.a().ws() + "?token=" + u.token());
    }

    /** The message frame with this id, received already (it may come before the sender's "sent") or still to come. */
    private static JsonNode message(WsTestClient ws, long id) {
        java.util.function.Predicate<JsonNode> match = f -> "message".equals(f.path("type").asText()) && f.path("id").asLong() == id;
        return ws.seen().stream().filter(match).findFirst().orElseGet(() -> ws.await(match, Duration.ofSeconds(15)));
    }

    @Test
    void twoClientsInARoomBothGetAMessageAndSoDoCourierAndKafka() {
        SeedUser alice = signUp();
        SeedUser bob = signUp();
        TestUser carol = Cluster.user();
        long room = createRoom(alice, false);
        join(bob.authorization(), room);
        join(carol.bearer(), room);
        try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES);
             WsTestClient courier = WsTestClient.connect(Cluster.a().ws() + "?token=" + carol.token());
             WsTestClient a = wscat(alice);
             WsTestClient b = wscat(bob)) {
            // Courier's own protocol is unchanged: a ?token= socket is ready at once.
            assertThat(courier.awaitType("ready").get("userId").asLong(), is(carol.id()));

            a.sendText("{\"Type\":\"enter\", \"RoomID\":" + room + "}");
            a.awaitType("enter");
            b.sendText("{\"Type\":\"enter\", \"RoomID\":" + room + "}");
            b.awaitType("enter");
            a.sendText("{\"Type\":\"message\",\"Text\":\"my message\"}");
            JsonNode sent = a.awaitType("sent");
            long id = sent.get("messageID").asLong();

            for (WsTestClient ws : List.of(a, b)) {
                JsonNode got = message(ws, id);
                assertThat(got.get("text").asText(), is("my message"));
                assertThat(got.get("roomID").asLong(), is(room));
                assertThat(got.get("uid").asLong(), is(alice.uid()));
                assertThat(got.get("timestamp").asText(), is(sent.get("timestamp").asText()));
            }
            JsonNode created = courier.await(f -> MessageEvent.CREATED.equals(f.path("type").asText())
                    && f.path("message").path("id").asLong() == id, Duration.ofSeconds(15));
            assertThat(created.get("message").get("text").asText(), is("my message"));
            assertThat(topic.await(r -> MessageEvent.CREATED.equals(r.event().type()) && r.event().message().id() == id,
                    1, Duration.ofSeconds(30)).size(), is(1));

            // A Courier client's message reaches the seed's clients in their shape.
            var fromCarol = carol.post(messenger, "/api/v1/messages", Map.of("conversationId", room, "text", "hi from Courier"));
            assertThat(fromCarol.body(), fromCarol.status(), is(201));
            assertThat(message(b, fromCarol.json().get("id").asLong()).get("uid").asLong(), is(carol.id()));

            // The seed's history shows the socket's message.
            Http.Response history = messenger.get("/messages/" + room, alice.authorization());
            assertThat(history.json().get(1).get("text").asText(), is("my message"));

            // Never one of Courier's frames (ready, presence, cursors) on the seed's sockets.
            for (WsTestClient ws : List.of(a, b)) {
                ws.drain(QUIET);
                assertThat(ws.seen().stream().map(f -> f.path("type").asText()).filter(t -> !List.of("enter", "sent", "message").contains(t)).toList(), is(empty()));
                assertThat(ws.seen().stream().filter(f -> f.has("cursor")).toList(), is(empty()));
            }
        }
    }

    @Test
    void onlyClientsCurrentlyInTheRoomGetItsMessagesAndErrorsAreTheSeeds() {
        SeedUser alice = signUp();
        SeedUser bob = signUp();
        long room = createRoom(alice, false);
        long secret = createRoom(alice, true);
        join(bob.authorization(), room);
        try (WsTestClient a = wscat(alice); WsTestClient b = wscat(bob)) {
            b.sendText("{\"Type\":\"message\",\"Text\":\"my message\"}");
            assertThat(b.awaitType("error").get("error").asText(), is("not in room"));
            b.sendText("{\"Type\":\"enter\", \"RoomID\":" + secret + "}");
            assertThat(b.awaitType("error").get("error").asText(), is("not room member"));
            b.sendText("{\"Type\":\"enter\", \"RoomID\":-1}");
            assertThat(b.awaitType("error").get("error").asText(), is("invalid room id"));
            b.sendText("{\"Type\":\"shout\"}");
            assertThat(b.awaitType("error").get("error").asText(), is("invalid operation"));
            // Field names match without regard to case, as the seed's Go server matches them.
            b.sendText("{\"type\":\"enter\",\"roomID\":" + room + "}");
            b.awaitType("enter");
            b.sendText("{\"Type\":\"enter\", \"RoomID\":" + room + "}");
            assertThat(b.awaitType("error").get("error").asText(), is("already in room"));
            b.sendText("{\"Type\":\"message\",\"Text\":\"   \"}");
            assertThat(b.awaitType("error").has("error"), is(true));
            b.sendText("{\"Type\":\"message\",\"Text\":\"" + "x".repeat(70 * 1024) + "\"}");
            JsonNode tooLarge = b.awaitType("error");
            assertThat(tooLarge.get("error").asText().contains("at most"), is(true));
            assertThat(tooLarge.get("status"), nullValue());

            // RoomID 0 leaves the room: Alice's next message is not sent to Bob's socket.
            b.sendText("{\"Type\":\"enter\", \"RoomID\":0}");
            b.awaitType("enter");
            a.sendText("{\"Type\":\"enter\", \"RoomID\":" + room + "}");
            a.awaitType("enter");
            a.sendText("{\"Type\":\"message\",\"Text\":\"after Bob left\"}");
            long id = a.awaitType("sent").get("messageID").asLong();
            message(a, id);
            assertThat(b.drain(QUIET).stream().filter(f -> "message".equals(f.path("type").asText())).toList(), is(empty()));
            b.sendText("{\"Type\":\"message\",\"Text\":\"my message\"}");
            assertThat(b.awaitType("error").get("error").asText(), is("not in room"));
        }
    }

    @Test
    void aRevokedOrMissingTokenIsRefusedInTheSeedsShape() {
        SeedUser alice = signUp();
        try (WsTestClient a = wscat(alice)) {
            Http.Response out = auth.post("/api/v1/auth/logout", Map.of(), Map.of("Authorization", "Bearer " + alice.token()));
            assertThat(out.body(), out.status(), is(204));
            JsonNode revoked = a.awaitType("error");
            assertThat(revoked.get("error").asText(), is("session revoked"));
            assertThat(a.awaitClose(Duration.ofSeconds(5)), is(SeedSockets.UNAUTHORIZED));
        }
        try (WsTestClient again = wscat(alice)) {
            JsonNode refused = again.awaitType("error");
            assertThat(refused.has("error"), is(true));
            assertThat(refused.get("status"), nullValue());
            assertThat(again.awaitClose(Duration.ofSeconds(5)), is(SeedSockets.UNAUTHORIZED));
        }
        try (WsTestClient anonymous = WsTestClient.connect(Cluster.a().ws())) {
            anonymous.sendText("{\"Type\":\"enter\", \"RoomID\":1}");
            assertThat(anonymous.awaitType("error").get("error").asText().startsWith("unauthorized"), is(true));
            assertThat(anonymous.awaitClose(Duration.ofSeconds(5)), is(SeedSockets.UNAUTHORIZED));
        }
    }
}

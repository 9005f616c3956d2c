package dev.courier.messenger.dialects;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TopicReader;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * Seed 002's test client scenario over its REST API (two users, messages both ways, history) against
 * real auth and messenger servers; the messages reach a Courier socket and the Kafka topic like any other.
 */
class UsersMessagesRestTest {

    private final Http auth = Cluster.auth();
    private final Http messenger = Cluster.a().http();

    private record SeedUser(String id, String username, String token) {

        Map<String, String> bearer() {
            return Map.of("Authorization", "Bearer " + token);
        }
    }

    private SeedUser register(String username) {
        Http.Response r = auth.post("/users/register", "{\"username\": \"" + username + "\"}", Map.of());
        assertThat(r.body(), r.status(), is(201));
        assertThat(r.json().get("username").asText(), is(username));
        assertThat(r.json().hasNonNull("created_at"), is(true));
        return new SeedUser(r.json().get("id").asText(), username, r.json().get("access_token").asText());
    }

    private JsonNode send(SeedUser from, SeedUser to, String text) {
        Http.Response r = messenger.post("/messages/send",
                Map.of("from_user_id", from.id(), "to_user_id", to.id(), "text", text), from.bearer());
        assertThat(r.body(), r.status(), is(201));
        return r.json();
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @Test
    void twoUsersMessagesBothWaysAndTheirHistory() {
        SeedUser alice = register(unique("alice"));
        SeedUser bob = register(unique("bob"));
        try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES);
             WsTestClient bobWs = WsTestClient.connect(Cluster.a().ws() + "?token=" + bob.token())) {
            bobWs.awaitType("ready");
            JsonNode first = send(alice, bob, "Hi Bob!");
            assertThat(first.get("from_user_id").asText(), is(alice.id()));
            assertThat(first.get("to_user_id").asText(), is(bob.id()));
            assertThat(first.get("text").asText(), is("Hi Bob!"));
            JsonNode second = send(bob, alice, "Hello Alice!");
            JsonNode third = send(alice, bob, "How are you?");

            // Bob's Courier socket gets Alice's message as any other.
            JsonNode delivered = bobWs.await(f -> "message.created".equals(f.path("type").asText())
                    && f.path("message").path("id").asText().equals(first.get("id").asText()), Duration.ofSeconds(15));
            assertThat(delivered.get("message").get("text").asText(), is("Hi Bob!"));

            List<TopicReader.Record> published = topic.await(r -> MessageEvent.CREATED.equals(r.event().type())
                    && List.of(first, second, third).stream().anyMatch(m -> m.get("id").asLong() == r.event().message().id()), 3, Duration.ofSeconds(30));
            assertThat(published.size(), is(3));

            Http.Response history = messenger.get("/messages/history?user1=" + alice.id() + "&user2=" + bob.id(), bob.bearer());
            assertThat(history.body(), history.status(), is(200));
            assertThat(texts(history.json()), contains("Hi Bob!", "Hello Alice!", "How are you?"));
            assertThat(history.json().get(1).get("from_user_id").asText(), is(bob.id()));
            assertThat(history.json().get(1).get("to_user_id").asText(), is(alice.id()));
        }
    }

    @Test
    void theCallerIsAuthenticatedAndOnlySendsAsThemselves() {
        SeedUser alice = register(unique("alice"));
        SeedUser bob = register(unique("bob"));
        SeedUser eve = register(unique("eve"));
        Map<String, String> forged = Map.of("from_user_id", alice.id(), "to_user_id", bob.id(), "text", "from eve");
        assertThat(messenger.post("/messages/send", forged, Map.of()).status(), is(401));
        assertThat(messenger.post("/messages/send", forged, eve.bearer()).status(), is(403));
        send(alice, bob, "only for us");
        assertThat(messenger.get("/messages/history?user1=" + alice.id() + "&user2=" + bob.id(), eve.bearer()).status(), is(403));
        assertThat(messenger.get("/messages/history?user1=" + alice.id() + "&user2=" + bob.id(), bob.bearer()).json().size(), is(1));

        Http.Response missing = messenger.get("/messages/history?user1=" + alice.id(), alice.bearer());
        assertThat(missing.json().get("field").asText(), is("user2"));
        Http.Response nobody = messenger.post("/messages/send", Map.of("from_user_id", alice.id(), "to_user_id", "999999999", "text", "x"), alice.bearer());
        assertThat(nobody.json().get("field").asText(), is("to_user_id"));
        Http.Response taken = auth.post("/users/register", Map.of("username", alice.username()), Map.of());
        assertThat(taken.status(), is(409));
        Http.Response empty = auth.post("/users/register", Map.of("username", ""), Map.of());
        assertThat(empty.json().get("field").asText(), is("username"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.get("text").asText()));
        return out;
    }
}

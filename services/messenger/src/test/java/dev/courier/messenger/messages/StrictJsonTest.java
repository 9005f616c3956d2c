package dev.courier.messenger.messages;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * JSON of the wrong type is refused, never converted: a string where a number or boolean belongs,
 * a number where text belongs, and text that is not valid (an unpaired surrogate, NUL), over REST
 * and in WebSocket frames; each is a 400 naming the field, and nothing is stored.
 */
class StrictJsonTest {

    private static void refused(Http.Response r, String field) {
        assertThat(r.body(), r.status(), is(400));
        assertThat(r.header("Content-Type"), startsWith("application/problem+json"));
        assertThat(r.body(), r.json().get("field").asText(), is(field));
    }

    @Test
    void wrongTypesAndInvalidTextInRestBodiesAre400sNamingTheField() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        Http http = Cluster.a().http();
        refused(alice.post(http, "/api/v1/messages", "{\"toUserId\":\"" + bob.id() + "\",\"text\":\"hi\"}"), "toUserId");
        refused(alice.post(http, "/api/v1/messages", "{\"toUserId\":" + bob.id() + ",\"text\":12345}"), "text");
        refused(alice.post(http, "/api/v1/messages", "{\"toUserId\":" + bob.id() + ",\"text\":true}"), "text");
        refused(alice.post(http, "/api/v1/messages", "{\"toUserId\":" + bob.id() + ",\"text\":\"half \\ud83d pair\"}"), "text");
        refused(alice.post(http, "/api/v1/messages", "{\"toUserId\":" + bob.id() + ",\"text\":\"nul \\u0000 here\"}"), "text");
        refused(alice.post(http, "/api/v1/rooms", "{\"name\":\"strict-" + System.nanoTime() + "\",\"isPrivate\":\"true\"}"), "isPrivate");
        refused(alice.post(http, "/api/v1/rooms", "{\"name\":\"strict-" + System.nanoTime() + "\",\"isPrivate\":1}"), "isPrivate");
        // A valid pair of surrogates (an emoji) is text like any other.
        assertThat(alice.post(http, "/api/v1/messages", "{\"toUserId\":" + bob.id() + ",\"text\":\"ok \\ud83d\\ude00\"}").status(), is(201));
        JsonNode chats = alice.get(http, "/api/v1/chats").json();
        assertThat(chats.toString(), chats.toString().contains("\"ok \uD83D\uDE00\""), is(true));
    }

    @Test
    void wrongTypesInWebSocketFramesAreErrorsNamingTheField() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(Cluster.a().ws() + "?token=" + alice.token())) {
            ws.awaitType("ready");
            ws.sendText("{\"type\":\"send\",\"requestId\":\"r1\",\"toUserId\":\"" + bob.id() + "\",\"clientId\":\"c1\",\"text\":\"hi\"}");
            JsonNode e1 = ws.await(f -> "error".equals(f.path("type").asText()) && "r1".equals(f.path("requestId").asText()), Duration.ofSeconds(10));
            assertThat(e1.toString(), e1.get("status").asInt(), is(400));
            assertThat(e1.toString(), e1.get("field").asText(), is("toUserId"));
            ws.sendText("{\"type\":\"send\",\"requestId\":\"r2\",\"toUserId\":" + bob.id() + ",\"clientId\":\"c2\",\"text\":12345}");
            JsonNode e2 = ws.await(f -> "error".equals(f.path("type").asText()) && "r2".equals(f.path("requestId").asText()), Duration.ofSeconds(10));
            assertThat(e2.toString(), e2.get("field").asText(), is("text"));
        }
        assertThat(bob.get(Cluster.a().http(), "/api/v1/chats").json().size(), is(0));
    }
}

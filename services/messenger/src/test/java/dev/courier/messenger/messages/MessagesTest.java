package dev.courier.messenger.messages;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.testing.Http;
import dev.courier.messenger.testing.TestUser;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

class MessagesTest {

    private final Http http = Cluster.a().http();

    @Test
    void historyIsNewestFirstAndPagesWithBeforeAndAfterCursors() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(alice.sendTo(http, bob, "m" + i).get("id").asLong());
        }
        long chat = alice.get(http, "/api/v1/chats").json().get(0).get("id").asLong();
        JsonNode first = bob.get(http, "/api/v1/chats/" + chat + "/messages?limit=2").json();
        assertThat(ids(first.get("messages")), contains(ids.get(4), ids.get(3)));
        long next = first.get("nextBefore").asLong();
        JsonNode second = bob.get(http, "/api/v1/chats/" + chat + "/messages?limit=2&before=" + next).json();
        assertThat(ids(second.get("messages")), contains(ids.get(2), ids.get(1)));
        JsonNode after = bob.get(http, "/api/v1/chats/" + chat + "/messages?limit=2&after=" + ids.get(1)).json();
        assertThat(ids(after.get("messages")), contains(ids.get(3), ids.get(2)));
        assertThat(bob.get(http, "/api/v1/chats/" + chat + "/messages?limit=101").json().get("field").asText(), is("limit"));
        assertThat(bob.get(http, "/api/v1/chats/" + chat + "/messages?before=abc").json().get("field").asText(), is("before"));
        assertThat(bob.get(http, "/api/v1/chats/" + chat + "/messages?before=-3").status(), is(400));
    }

    @Test
    void aRetriedSendWithTheSameClientIdGivesOneMessageAndTheSameAnswer() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        Map<String, Object> body = Map.of("toUserId", bob.id(), "clientId", "c-1", "text", "once");
        var first = alice.post(http, "/api/v1/messages", body);
        var second = alice.post(http, "/api/v1/messages", body);
        assertThat(first.status(), is(201));
        assertThat(second.status(), is(201));
        assertThat(second.json(), is(first.json()));
        long chat = first.json().get("conversationId").asLong();
        assertThat(bob.get(http, "/api/v1/chats/" + chat + "/messages").json().get("messages").size(), is(1));
        // The same client id for another chat is a conflict, not a silent reuse.
        TestUser carol = Cluster.user();
        var other = alice.post(http, "/api/v1/messages", Map.of("toUserId", carol.id(), "clientId", "c-1", "text", "x"));
        assertThat(other.status(), is(409));
    }

    @Test
    void theAuthorEditsAndDeletesAndOthersSeeItInHistory() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        JsonNode m = alice.sendTo(http, bob, "typo");
        long id = m.get("id").asLong();
        long chat = m.get("conversationId").asLong();
        assertThat(bob.call(http, "PATCH", "/api/v1/messages/" + id, Map.of("text", "hacked")).status(), is(403));
        assertThat(bob.call(http, "DELETE", "/api/v1/messages/" + id, null).status(), is(403));
        var edited = alice.call(http, "PATCH", "/api/v1/messages/" + id, Map.of("text", "fixed"));
        assertThat(edited.status(), is(200));
        JsonNode seen = bob.get(http, "/api/v1/chats/" + chat + "/messages").json().get("messages").get(0);
        assertThat(seen.get("text").asText(), is("fixed"));
        assertThat(seen.has("editedAt"), is(true));

        assertThat(alice.call(http, "DELETE", "/api/v1/messages/" + id, null).status(), is(200));
        seen = bob.get(http, "/api/v1/chats/" + chat + "/messages").json().get("messages").get(0);
        assertThat(seen.get("deleted").asBoolean(), is(true));
        assertThat(seen.get("text"), nullValue());
        assertThat(alice.call(http, "PATCH", "/api/v1/messages/" + id, Map.of("text", "again")).status(), is(409));
    }

    @Test
    void readMarkersDriveUnreadCountsAndTheListIsNewestActivityFirst() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        TestUser carol = Cluster.user();
        alice.sendTo(http, bob, "1");
        long last = alice.sendTo(http, bob, "2").get("id").asLong();
        carol.sendTo(http, bob, "hey");
        JsonNode list = bob.get(http, "/api/v1/chats").json();
        assertThat(list.get(0).get("palId").asLong(), is(carol.id()));
        assertThat(list.get(1).get("palId").asLong(), is(alice.id()));
        assertThat(list.get(1).get("unread").asLong(), is(2L));
        assertThat(list.get(1).get("lastMessage").get("text").asText(), is("2"));

        long chat = list.get(1).get("id").asLong();
        var read = bob.post(http, "/api/v1/chats/" + chat + "/read", Map.of("messageId", last));
        assertThat(read.body(), read.status(), is(200));
        assertThat(bob.get(http, "/api/v1/chats").json().get(1).get("unread").asLong(), is(0L));
        assertThat(alice.get(http, "/api/v1/chats").json().get(0).get("unread").asLong(), is(0L));
        assertThat(bob.post(http, "/api/v1/chats/" + chat + "/read", Map.of("messageId", 9_000_000_000L)).json().get("field").asText(), is("messageId"));
    }

    @Test
    void anEncryptedPayloadIsStoredAndForwardedUntouched() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        Map<String, Object> body = Map.of("toUserId", bob.id(), "ciphertext", "q83vEjRWeJA=", "nonce", "AAECAwQFBgcICQoL",
                "envelopes", Map.of(Long.toString(bob.id()), "ZW52LWJvYg==", Long.toString(alice.id()), "ZW52LWFsaWNl"));
        var r = alice.post(http, "/api/v1/messages", body);
        assertThat(r.body(), r.status(), is(201));
        JsonNode seen = bob.get(http, "/api/v1/chats/" + r.json().get("conversationId").asLong() + "/messages").json().get("messages").get(0);
        assertThat(seen.get("ciphertext").asText(), is("q83vEjRWeJA="));
        assertThat(seen.get("nonce").asText(), is("AAECAwQFBgcICQoL"));
        assertThat(seen.get("envelopes").get(Long.toString(bob.id())).asText(), is("ZW52LWJvYg=="));
        assertThat(seen.get("text"), nullValue());
        var both = alice.post(http, "/api/v1/messages", Map.of("toUserId", bob.id(), "text", "a", "ciphertext", "b", "nonce", "c"));
        assertThat(both.json().get("field").asText(), is("text"));
        var noNonce = alice.post(http, "/api/v1/messages", Map.of("toUserId", bob.id(), "ciphertext", "b"));
        assertThat(noNonce.json().get("field").asText(), is("nonce"));
    }

    @Test
    void badBodiesAreRefusedWithTheFieldAndChangeNothing() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        assertThat(alice.post(http, "/api/v1/messages", "{\"toUserId\":" + bob.id() + ",\"text\":\"x\",\"extra\":1}").json().get("field").asText(), is("extra"));
        assertThat(alice.post(http, "/api/v1/messages", "{\"text\":\"x\"}").json().get("field").asText(), is("conversationId"));
        assertThat(alice.post(http, "/api/v1/messages", Map.of("toUserId", bob.id(), "text", "x".repeat(4001))).json().get("field").asText(), is("text"));
        assertThat(alice.post(http, "/api/v1/messages", Map.of("toUserId", alice.id(), "text", "me")).json().get("field").asText(), is("toUserId"));
        var huge = alice.post(http, "/api/v1/messages", "{\"toUserId\":" + bob.id() + ",\"text\":\"" + "x".repeat(70_000) + "\"}");
        var nul = alice.post(http, "/api/v1/messages", "{\"toUserId\":" + bob.id() + ",\"text\":\"a\\u0000b\"}");
        assertThat(nul.status(), is(400));
        assertThat(nul.json().get("field").asText(), is("text"));
        assertThat(huge.status(), is(413));
        assertThat(huge.header("Content-Type"), is("application/problem+json"));
        assertThat(alice.get(http, "/api/v1/chats").json().size(), is(0));
    }

    private static List<Long> ids(JsonNode messages) {
        List<Long> out = new ArrayList<>();
        messages.forEach(m -> out.add(m.get("id").asLong()));
        return out;
    }
}

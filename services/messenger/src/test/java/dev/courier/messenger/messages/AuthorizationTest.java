package dev.courier.messenger.messages;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.testing.Http;
import dev.courier.messenger.testing.TestUser;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Nobody reads, edits, deletes, marks or sends in a chat that is not theirs; nothing changes when they try. */
class AuthorizationTest {

    private final Http http = Cluster.a().http();

    @Test
    void anOutsiderCanNeitherReadNorWriteNorChangeADirectChat() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        TestUser eve = Cluster.user();
        var m = alice.sendTo(http, bob, "private words");
        long chat = m.get("conversationId").asLong();
        long id = m.get("id").asLong();

        assertThat(eve.get(http, "/api/v1/chats/" + chat + "/messages").status(), is(404));
        assertThat(eve.post(http, "/api/v1/chats/" + chat + "/messages", Map.of("text", "intrusion")).status(), is(404));
        assertThat(eve.post(http, "/api/v1/messages", Map.of("conversationId", chat, "text", "intrusion")).status(), is(404));
        assertThat(eve.call(http, "PATCH", "/api/v1/messages/" + id, Map.of("text", "forged")).status(), is(404));
        assertThat(eve.call(http, "DELETE", "/api/v1/messages/" + id, null).status(), is(404));
        assertThat(eve.post(http, "/api/v1/chats/" + chat + "/read", Map.of("messageId", id)).status(), is(404));
        assertThat(eve.get(http, "/api/v1/chats").json().size(), is(0));
        assertThat(eve.get(http, "/chat?pal_id=" + alice.id()).json().size(), is(0));

        var history = bob.get(http, "/api/v1/chats/" + chat + "/messages").json().get("messages");
        assertThat(history.size(), is(1));
        assertThat(history.get(0).get("text").asText(), is("private words"));
        assertThat(history.get(0).get("deleted").asBoolean(), is(false));
        assertThat(bob.get(http, "/api/v1/chats").json().get(0).get("unread").asLong(), is(1L));
    }

    @Test
    void everyRouteRequiresAToken() {
        for (String path : new String[] {"/api/v1/chats", "/api/v1/chats/1/messages", "/api/v1/rooms", "/chats", "/chat?pal_id=1", "/api/v1/sync?after=0"}) {
            assertThat(path, http.get(path).status(), is(401));
        }
    }
}

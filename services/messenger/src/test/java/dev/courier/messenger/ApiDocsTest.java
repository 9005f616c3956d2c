package dev.courier.messenger;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;

/** The documents a client codes against are served and name every route and frame. */
class ApiDocsTest {

    private final Http http = Cluster.a().http();

    @Test
    @SuppressWarnings("unchecked")
    void openApiDescribesEveryRestRoute() {
        var r = http.get("/openapi");
        assertThat(r.status(), is(200));
        Map<String, Object> doc = new Yaml().load(r.body());
        assertThat(doc.get("openapi"), is("3.1.0"));
        Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
        for (String p : List.of("/api/v1/messages", "/api/v1/messages/{id}", "/api/v1/chats", "/api/v1/chats/{id}/messages",
                "/api/v1/chats/{id}/read", "/api/v1/rooms", "/api/v1/rooms/public", "/api/v1/rooms/{id}", "/api/v1/rooms/{id}/join",
                "/api/v1/rooms/{id}/leave", "/api/v1/rooms/{id}/members", "/api/v1/rooms/{id}/members/{userId}",
                "/api/v1/rooms/{id}/admins", "/api/v1/rooms/{id}/admins/{userId}", "/api/v1/rooms/{id}/owner", "/api/v1/sync", "/send", "/chat", "/chats",
                "/create-room", "/join", "/invite", "/rooms", "/room/{roomID}", "/messages/{roomID}", "/messages/send", "/messages/history")) {
            assertThat(paths, hasKey(p));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void asyncApiDescribesEveryFrameOfTheSocket() {
        var r = http.get("/asyncapi");
        assertThat(r.status(), is(200));
        Map<String, Object> doc = new Yaml().load(r.body());
        assertThat(doc.get("asyncapi"), is("3.0.0"));
        Map<String, Object> messages = (Map<String, Object>) ((Map<String, Object>) doc.get("components")).get("messages");
        List<Object> names = messages.values().stream().map(m -> ((Map<String, Object>) m).get("name")).toList();
        for (String type : List.of("auth", "resume", "send", "edit", "delete", "read", "typing", "ping", "ready", "ack", "error",
                "pong", "message.created", "message.edited", "message.deleted", "member.*", "room.renamed", "presence",
                "revoked", "reconnect", "room.deleted", "token.expiring", "MessageEvent")) {
            assertThat(names, hasItem(type));
        }
    }
}

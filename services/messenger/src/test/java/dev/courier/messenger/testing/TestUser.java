package dev.courier.messenger.testing;

import dev.courier.platform.testing.Http;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;


/** A registered, logged-in user and the calls it makes with its bearer token. */
public record TestUser(long id, String username, String token, String sessionId) {

    public Map<String, String> bearer() {
        return Map.of("Authorization", "Bearer " + token);
    }

    public Http.Response get(Http http, String path) {
        return http.get(path, bearer());
    }

    public Http.Response post(Http http, String path, Object body) {
        return http.post(path, body, bearer());
    }

    public Http.Response call(Http http, String method, String path, Object body) {
        return http.method(method, path, body, bearer());
    }

    /** Sends text to another user through the REST API and returns the created message. */
    public JsonNode sendTo(Http http, TestUser to, String text) {
        var r = post(http, "/api/v1/messages", Map.of("toUserId", to.id(), "text", text));
        if (r.status() != 201) {
            throw new AssertionError("send failed: " + r.status() + " " + r.body());
        }
        return r.json();
    }
}

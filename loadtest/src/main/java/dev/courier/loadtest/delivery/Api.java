package dev.courier.loadtest.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The few calls of Courier's public HTTP API the benchmark (and the simulations' set-up) need, over java.net.http. */
public final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "lt-bench-Pa55word-9f3b";

    private final HttpClient http;
    private final String baseUrl;
    private final String authUrl;

    public Api(HttpClient http, String baseUrl, String authUrl) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.authUrl = authUrl;
    }

    public record Account(long id, String username, String token) {
    }

    public Account signUp(String username) {
        JsonNode user = call("POST", authUrl + "/api/v1/auth/register", null,
                Map.of("username", username, "email", username + "@bench.courier.test", "password", PASSWORD), 201);
        JsonNode login = call("POST", authUrl + "/api/v1/auth/login", null, Map.of("login", username, "password", PASSWORD), 200);
        return new Account(user.get("id").asLong(), username, login.get("accessToken").asText());
    }

    /** Logs an existing account in again (a fresh access token). */
    Account logIn(long id, String username) {
        JsonNode login = call("POST", authUrl + "/api/v1/auth/login", null, Map.of("login", username, "password", PASSWORD), 200);
        return new Account(id, username, login.get("accessToken").asText());
    }

    public long createRoom(String token, String name) {
        return call("POST", baseUrl + "/api/v1/rooms", token, Map.of("name", name, "isPrivate", false), 201).get("id").asLong();
    }

    void join(String token, long roomId) {
        call("POST", baseUrl + "/api/v1/rooms/" + roomId + "/join", token, Map.of(), 200, 201, 204);
    }

    /** The first message to a user creates the direct chat; returns its conversation id. */
    long sendDirect(String token, long toUserId, String clientId, String text) {
        return call("POST", baseUrl + "/api/v1/messages", token, Map.of("toUserId", toUserId, "clientId", clientId, "text", text), 201)
                .get("conversationId").asLong();
    }

    JsonNode call(String method, String url, String token, Object body, int... expected) {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (token != null) {
                req.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            for (int code : expected) {
                if (res.statusCode() == code) {
                    return res.body().isEmpty() ? JSON.nullNode() : JSON.readTree(res.body());
                }
            }
            throw new IllegalStateException(method + " " + url + " answered " + res.statusCode() + ": " + res.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}

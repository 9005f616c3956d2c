package dev.courier.notifier.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.courier.platform.http.Json;
import dev.courier.platform.security.Es256;
import dev.courier.platform.security.Jwt;
import dev.courier.platform.security.SigningKey;
import dev.courier.platform.security.TokenVerifier;

/**
 * Stands in for auth's two read-only surfaces the notifier uses over real HTTP: the JWKS (so
 * tokens go through the real offline verification) and {@code GET /api/v1/users/{id}} (names and
 * email addresses). Tokens carry the exact claims auth issues.
 */
public final class TestAuth implements AutoCloseable {

    private final SigningKey key = SigningKey.of("test-" + UUID.randomUUID(), Es256.generate());
    private final Map<Long, Map<String, Object>> users = new ConcurrentHashMap<>();
    private final HttpServer server;

    public TestAuth() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/jwks.json", ex -> reply(ex, 200, Map.of("keys", List.of(key.publicJwk()))));
        server.createContext("/api/v1/users/", ex -> {
            String id = ex.getRequestURI().getPath().substring("/api/v1/users/".length());
            Map<String, Object> u;
            try {
                u = users.get(Long.parseLong(id));
            } catch (NumberFormatException e) {
                u = null;
            }
            if (u == null) {
                reply(ex, 404, Map.of("title", "Not found"));
            } else {
                reply(ex, 200, u);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A new user with a unique id, name and address. */
    public TestUser user(String displayName) {
        long id = ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE / 2);
        String username = "u" + Long.toString(id, 36);
        String email = username + "@notifier.test";
        users.put(id, Map.of("id", id, "username", username, "displayName", displayName, "email", email));
        Instant now = Instant.now();
        String token = Jwt.sign(key, TokenVerifier.claims(id, "s-" + UUID.randomUUID(), List.of("user"), now,
                now.plusSeconds(900), UUID.randomUUID().toString()));
        return new TestUser(id, username, displayName, email, token);
    }

    private static void reply(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = Json.writeString(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public record TestUser(long id, String username, String displayName, String email, String token) {

        public Map<String, String> auth() {
            return Map.of("Authorization", "Bearer " + token);
        }
    }
}

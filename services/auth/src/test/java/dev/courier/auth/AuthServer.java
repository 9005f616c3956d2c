package dev.courier.auth;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import dev.courier.infra.LocalStack;
import dev.courier.platform.config.Configs;
import dev.courier.platform.server.Servers;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** A real auth server on free ports against the shared PostgreSQL and Redis, plus helpers to make users. */
public final class AuthServer implements AutoCloseable {

    private static AuthServer shared;

    public final AuthApp app;
    public final WebServer server;
    public final Http http;

    private AuthServer(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(LocalStack.shared().config());
        config.put("server.port", "0");
        config.put("server.host", "127.0.0.1");
        config.put("courier.auth.grpc.port", "0");
        config.putAll(overrides);
        Config c = Configs.load(AuthApp.class, config);
        this.app = AuthApp.create(c);
        this.server = Servers.start(c, app);
        this.http = Http.port(server.port());
    }

    /** One server for the whole test JVM; tests use unique names so they never collide. */
    public static synchronized AuthServer shared() {
        if (shared == null) {
            shared = new AuthServer(Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A separate server with its own settings (small rate limits, short lifetimes); close it after use. */
    public static AuthServer with(Map<String, String> overrides) {
        return new AuthServer(overrides);
    }

    public int port() {
        return server.port();
    }

    public static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Registers a fresh user; its password is {@link #PASSWORD}. */
    public TestUser register() {
        String name = unique("u");
        Http.Response r = http.post("/api/v1/auth/register", Map.of("username", name, "email", name + "@example.com", "password", PASSWORD), Map.of());
        assertThat(r.body(), r.status(), is(201));
        return new TestUser(r.json().get("id").asLong(), name, name + "@example.com");
    }

    public JsonNode login(String login, String password) {
        Http.Response r = http.post("/api/v1/auth/login", Map.of("login", login, "password", password), Map.of());
        assertThat(r.body(), r.status(), is(200));
        return r.json();
    }

    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    public static final String PASSWORD = "correct horse battery";

    @Override
    public void close() {
        server.stop();
        app.close();
    }

    public record TestUser(long id, String username, String email) {
    }
}

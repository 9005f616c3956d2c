package dev.courier.notifier.testing;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import dev.courier.auth.AuthApp;
import dev.courier.infra.Endpoints;
import dev.courier.platform.config.Configs;
import dev.courier.platform.server.Servers;
import dev.courier.platform.testing.Http;

/**
 * The real auth service in-process on the shared stack: users register and log in through its HTTP
 * API, the notifier verifies their tokens against its JWKS and looks them up in its gRPC UserDirectory.
 */
public final class TestAuth implements AutoCloseable {

    public final AuthApp app;
    private final WebServer server;
    private final Http http;

    public TestAuth(Endpoints stack) throws IOException {
        Map<String, String> c = new HashMap<>(stack.config());
        c.put("server.port", "0");
        c.put("server.host", "127.0.0.1");
        c.put("courier.auth.grpc.port", "0");
        // The shared Redis counts every engineer's test sign-ups from 127.0.0.1 together.
        c.put("courier.auth.ratelimit.register.address", "100000");
        c.put("courier.auth.ratelimit.login.address", "100000");
        Config config = Configs.load(AuthApp.class, c);
        app = AuthApp.create(config);
        server = Servers.start(config, app);
        http = Http.port(server.port());
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public String jwks() {
        return url() + "/.well-known/jwks.json";
    }

    /** host:port of auth's gRPC UserDirectory. */
    public String grpc() {
        return "127.0.0.1:" + server.port(AuthApp.GRPC_SOCKET);
    }

    /** A new user, registered and logged in through auth's HTTP API. */
    public TestUser user(String displayName) {
        String username = "n" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String email = username + "@notifier.test";
        String password = "pw-" + UUID.randomUUID();
        Http.Response reg = http.post("/api/v1/auth/register",
                Map.of("username", username, "email", email, "password", password, "displayName", displayName), Map.of());
        if (reg.status() != 201) {
            throw new IllegalStateException("register: " + reg.status() + " " + reg.body());
        }
        long id = reg.json().get("id").asLong();
        Http.Response login = http.post("/api/v1/auth/login", Map.of("login", username, "password", password), Map.of());
        if (login.status() != 200) {
            throw new IllegalStateException("login: " + login.status() + " " + login.body());
        }
        return new TestUser(id, username, displayName, email, password, login.json().get("accessToken").asText());
    }

    @Override
    public void close() {
        server.stop();
        app.close();
    }

    public record TestUser(long id, String username, String displayName, String email, String password, String token) {

        public Map<String, String> auth() {
            return Map.of("Authorization", "Bearer " + token);
        }
    }
}

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

    /** The notifier's credential for auth's UserDirectory in these tests. */
    public static final String DIRECTORY_CREDENTIAL = "test-notifier-" + UUID.randomUUID();

    public final AuthApp app;
    private final WebServer server;
    private final Http http;
    private final Mailbox mailbox;

    public TestAuth(Endpoints stack) throws IOException {
        mailbox = new Mailbox(stack.mailApiUrl());
        Map<String, String> c = new HashMap<>(stack.config());
        c.put("server.port", "0");
        c.put("server.host", "127.0.0.1");
        c.put("courier.auth.grpc.port", "0");
        c.put("courier.auth.grpc.clients.notifier.credential", DIRECTORY_CREDENTIAL);
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
        verifyEmail(email);
        Http.Response login = http.post("/api/v1/auth/login", Map.of("login", username, "password", password), Map.of());
        if (login.status() != 200) {
            throw new IllegalStateException("login: " + login.status() + " " + login.body());
        }
        return new TestUser(id, username, displayName, email, password, login.json().get("accessToken").asText());
    }

    /** Opens the verification link auth mailed: only a verified address gets notifier mails. */
    private void verifyEmail(String email) {
        java.util.regex.Pattern link = java.util.regex.Pattern.compile("verify=([A-Za-z0-9_-]{43})");
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            for (jakarta.mail.internet.MimeMessage m : mailbox.allMessages(email)) {
                java.util.regex.Matcher found = link.matcher(Mailbox.text(m));
                if (found.find()) {
                    Http.Response r = http.post("/api/v1/auth/email/verify", Map.of("token", found.group(1)), Map.of());
                    if (r.status() != 204) {
                        throw new IllegalStateException("verify: " + r.status() + " " + r.body());
                    }
                    return;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("No verification mail for " + email);
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

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
        config.put("courier.auth.grpc.clients.messenger.credential", MESSENGER_CREDENTIAL);
        config.put("courier.auth.grpc.clients.notifier.credential", NOTIFIER_CREDENTIAL);
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

    /** Verifies the user's email with the link auth mailed at registration. */
    public void verifyEmail(TestUser u) {
        Http.Response r = http.post("/api/v1/auth/email/verify", Map.of("token", awaitMailed(u.email(), VERIFY_LINK)), Map.of());
        assertThat(r.body(), r.status(), is(204));
    }

    /** The token in the newest mail to {@code email} that matches {@code pattern} (group 1), read from GreenMail. */
    public static String awaitMailed(String email, java.util.regex.Pattern pattern) {
        try {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            java.net.URI inbox = java.net.URI.create(LocalStack.shared().mailApiUrl() + "/api/user/" + email + "/messages/INBOX");
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < until) {
                var r = client.send(java.net.http.HttpRequest.newBuilder(inbox).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode messages = dev.courier.platform.http.Json.MAPPER.readTree(r.body());
                    for (int i = messages.size() - 1; i >= 0; i--) {
                        var m = pattern.matcher(text(messages.get(i).get("mimeMessage").asText()));
                        if (m.find()) {
                            return m.group(1);
                        }
                    }
                }
                Thread.sleep(200);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("No matching mail for " + email);
    }

    /** How many mails {@code email} has received. */
    public static int mails(String email) throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(LocalStack.shared().mailApiUrl() + "/api/user/" + email + "/messages/INBOX")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? dev.courier.platform.http.Json.MAPPER.readTree(r.body()).size() : 0;
    }

    /** The decoded text of a raw MIME message (quoted-printable would break a long link). */
    private static String text(String raw) throws Exception {
        var m = new jakarta.mail.internet.MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()),
                new java.io.ByteArrayInputStream(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return String.valueOf(m.getContent());
    }

    public static final java.util.regex.Pattern VERIFY_LINK = java.util.regex.Pattern.compile("verify=([A-Za-z0-9_-]{43})");

    public JsonNode login(String login, String password) {
        Http.Response r = http.post("/api/v1/auth/login", Map.of("login", login, "password", password), Map.of());
        assertThat(r.body(), r.status(), is(200));
        return r.json();
    }

    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    public static final String PASSWORD = "correct horse battery";
    /** The UserDirectory credentials the test servers accept: messenger's (no emails) and the notifier's. */
    public static final String MESSENGER_CREDENTIAL = "test-messenger-" + UUID.randomUUID();
    public static final String NOTIFIER_CREDENTIAL = "test-notifier-" + UUID.randomUUID();

    @Override
    public void close() {
        server.stop();
        app.close();
    }

    public record TestUser(long id, String username, String email) {
    }
}

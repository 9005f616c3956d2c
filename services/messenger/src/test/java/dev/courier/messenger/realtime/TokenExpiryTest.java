package dev.courier.messenger.realtime;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import dev.courier.auth.AuthApp;
import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.config.Configs;
import dev.courier.platform.server.Servers;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/** A socket lives as long as its access token, unless the client hands it a fresh one. */
class TokenExpiryTest {

    private static final int TTL_SECONDS = 8;

    /** An auth service of this test's own whose access tokens live {@value #TTL_SECONDS} s. */
    private static WebServer shortAuth;
    private static Http auth;
    private static Cluster.Node node;

    @BeforeAll
    static void start() {
        Map<String, String> cfg = new HashMap<>(Cluster.infra().config());
        cfg.put("server.port", "0");
        cfg.put("server.host", "127.0.0.1");
        cfg.put("courier.auth.grpc.port", "0");
        cfg.put("courier.auth.access.ttlseconds", Integer.toString(TTL_SECONDS));
        for (String action : new String[] {"register", "login"}) {
            cfg.put("courier.auth.ratelimit." + action + ".address", "1000000");
            cfg.put("courier.auth.ratelimit." + action + ".account", "1000000");
        }
        Config config = Configs.load(AuthApp.class, cfg);
        shortAuth = Servers.start(config, AuthApp.create(config));
        auth = Http.port(shortAuth.port());
        node = Cluster.startMessenger(Map.of(
                "courier.auth.jwks", "http://127.0.0.1:" + shortAuth.port() + "/.well-known/jwks.json",
                "courier.messenger.ws.sweepmillis", "200",
                "courier.messenger.ws.expirywarningmillis", "4000"));
    }

    @AfterAll
    static void stop() {
        node.stop();
        shortAuth.stop();
    }

    private record Account(String name, String password) {
    }

    private static Account register() {
        String name = "x" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String password = "pw-" + UUID.randomUUID();
        var reg = auth.post("/api/v1/auth/register", Map.of("username", name, "email", name + "@example.test", "password", password), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        return new Account(name, password);
    }

    private static String login(Account a) {
        var login = auth.post("/api/v1/auth/login", Map.of("login", a.name(), "password", a.password()), Map.of());
        assertThat(login.body(), login.status(), is(200));
        return login.json().get("accessToken").asText();
    }

    @Test
    void aSocketIsWarnedThenClosedWith4401WhenItsTokenExpires() {
        String token = login(register());
        try (WsTestClient ws = WsTestClient.connect(node.ws() + "?token=" + token)) {
            ws.awaitType("ready");
            JsonNode expiring = ws.awaitType("token.expiring");
            Instant expiresAt = Instant.parse(expiring.get("expiresAt").asText());
            assertThat(ws.awaitClose(Duration.ofSeconds(TTL_SECONDS + 10)), is(Connection.UNAUTHORIZED));
            assertThat(Instant.now().plusSeconds(1), greaterThanOrEqualTo(expiresAt));
        }
    }

    @Test
    void aFreshTokenForTheSameUserKeepsTheSocketOpenPastTheFirstOnesExpiry() throws Exception {
        Account bob = register();
        String first = login(bob);
        try (WsTestClient ws = WsTestClient.connect(node.ws() + "?token=" + first)) {
            ws.awaitType("ready");
            Thread.sleep(3000);
            String second = login(bob);
            ws.send(Map.of("type", "auth", "requestId", "renew", "token", second));
            JsonNode ack = ws.await(f -> "ack".equals(f.path("type").asText()), Duration.ofSeconds(10));
            assertThat(ack.get("requestId").asText(), is("renew"));
            Instant renewedUntil = Instant.parse(ack.get("result").get("expiresAt").asText());

            // Past the first token's expiry the socket still answers.
            Thread.sleep(Math.max(0, TTL_SECONDS * 1000L - 3000 + 1500));
            ws.send(Map.of("type", "ping", "requestId", "after-first-expiry"));
            assertThat(ws.awaitType("pong").get("requestId").asText(), is("after-first-expiry"));

            // The renewed token's expiry is enforced in turn.
            assertThat(ws.awaitClose(Duration.ofSeconds(TTL_SECONDS + 10)), is(Connection.UNAUTHORIZED));
            assertThat(Instant.now().plusSeconds(1), greaterThanOrEqualTo(renewedUntil));
        }
    }

    @Test
    void anotherUsersOrAnInvalidTokenIsRefusedAndTheSocketStaysItsOwnersOpen() {
        Cluster.Node a = Cluster.a();
        TestUser bob = Cluster.user();
        TestUser mallory = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(a.ws() + "?token=" + bob.token())) {
            ws.awaitType("ready");
            ws.send(Map.of("type", "auth", "requestId", "swap", "token", mallory.token()));
            JsonNode refused = ws.awaitType("error");
            assertThat(refused.get("requestId").asText(), is("swap"));
            assertThat(refused.get("status").asInt(), is(403));
            ws.send(Map.of("type", "auth", "requestId", "junk", "token", "not-a-token"));
            JsonNode invalid = ws.awaitType("error");
            assertThat(invalid.get("requestId").asText(), is("junk"));
            assertThat(invalid.get("status").asInt(), is(401));

            // Still bob's socket: bob's messages reach it, mallory's chats do not exist for it.
            long id = mallory.sendTo(a.http(), bob, "for bob").get("id").asLong();
            JsonNode created = ws.await(f -> "message.created".equals(f.path("type").asText()), Duration.ofSeconds(10));
            assertThat(created.get("message").get("id").asLong(), is(id));
            ws.send(Map.of("type", "ping", "requestId", "still-bob"));
            assertThat(ws.awaitType("pong").get("requestId").asText(), is("still-bob"));
        }
    }
}

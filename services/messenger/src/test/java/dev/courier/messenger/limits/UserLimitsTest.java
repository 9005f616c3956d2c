package dev.courier.messenger.limits;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.OwnMessenger;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Per-user limits over the real stack: a messenger of its own with tiny limits behind a trusted
 * loopback proxy. Every test uses fresh users and its own forwarded address, so counters in the
 * shared Redis never carry over between tests or runs.
 */
class UserLimitsTest {

    @RegisterExtension
    static final OwnMessenger NODE = OwnMessenger.with(
            "courier.http.trustedproxies", "127.0.0.0/8,::1",
            "courier.messenger.limits.send.user", "3", "courier.messenger.limits.send.windowseconds", "60",
            "courier.messenger.limits.rooms.user", "2", "courier.messenger.limits.rooms.windowseconds", "60",
            "courier.messenger.limits.sockets.user", "2", "courier.messenger.limits.sockets.address", "2",
            "courier.messenger.limits.sockets.windowseconds", "60");

    @Test
    void sendsOverTheUsersLimitAre429WithRetryAfterAndStoreNothing() {
        Http http = NODE.http();
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        for (int i = 0; i < 3; i++) {
            alice.sendTo(http, bob, "hello " + i);
        }
        Http.Response limited = alice.post(http, "/api/v1/messages", Map.of("toUserId", bob.id(), "text", "one too many"));
        assertThat(limited.status(), is(429));
        assertThat(limited.header("Content-Type"), startsWith("application/problem+json"));
        assertThat(Integer.parseInt(limited.header("Retry-After")), lessThanOrEqualTo(60));
        long chat = bob.get(http, "/api/v1/chats").json().get(0).get("id").asLong();
        assertThat(bob.get(http, "/api/v1/chats/" + chat + "/messages").json().get("messages").size(), is(3));
        // Another user is not affected.
        bob.sendTo(http, alice, "my own limit");
    }

    @Test
    void aSocketSendOverTheLimitIsAnErrorFrameWithRetryAfterAndTheSocketStaysOpen() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(NODE.ws() + "?token=" + alice.token())) {
            ws.awaitType("ready");
            for (int i = 0; i < 3; i++) {
                ws.send(Map.of("type", "send", "requestId", "s" + i, "toUserId", bob.id(), "clientId", UUID.randomUUID().toString(), "text", "hi " + i));
                String id = "s" + i;
                ws.await(f -> id.equals(f.path("requestId").asText()) && "ack".equals(f.path("type").asText()), Duration.ofSeconds(10));
            }
            ws.send(Map.of("type", "send", "requestId", "over", "toUserId", bob.id(), "clientId", UUID.randomUUID().toString(), "text", "too many"));
            JsonNode error = ws.await(f -> "over".equals(f.path("requestId").asText()), Duration.ofSeconds(10));
            assertThat(error.toString(), error.get("type").asText(), is("error"));
            assertThat(error.get("status").asInt(), is(429));
            assertThat(error.get("retryAfter").asInt(), greaterThanOrEqualTo(1));
            assertThat(error.get("retryAfter").asInt(), lessThanOrEqualTo(60));
            // Still open and answering.
            ws.send(Map.of("type", "ping", "requestId", "p"));
            ws.await(f -> "pong".equals(f.path("type").asText()) && "p".equals(f.path("requestId").asText()), Duration.ofSeconds(10));
        }
    }

    @Test
    void roomCreationOverTheLimitIs429AndCreatesNothing() {
        Http http = NODE.http();
        TestUser alice = Cluster.user();
        for (int i = 0; i < 2; i++) {
            Http.Response r = alice.post(http, "/api/v1/rooms", Map.of("name", "limited-" + UUID.randomUUID(), "isPrivate", false));
            assertThat(r.body(), r.status(), is(201));
        }
        String name = "limited-" + UUID.randomUUID();
        Http.Response limited = alice.post(http, "/api/v1/rooms", Map.of("name", name, "isPrivate", false));
        assertThat(limited.status(), is(429));
        assertThat(limited.header("Retry-After") != null, is(true));
        // Nothing was made: the name is still free for someone else.
        assertThat(Cluster.user().post(http, "/api/v1/rooms", Map.of("name", name, "isPrivate", false)).status(), is(201));
    }

    @Test
    void socketsOverTheUsersLimitAreClosedWith4429AndARetryHint() {
        TestUser alice = Cluster.user();
        try (WsTestClient one = WsTestClient.connect(NODE.ws() + "?token=" + alice.token());
             WsTestClient two = WsTestClient.connect(NODE.ws())) {
            one.awaitType("ready");
            // The first-frame authentication counts too.
            two.send(Map.of("type", "auth", "token", alice.token()));
            two.awaitType("ready");
            try (WsTestClient three = WsTestClient.connect(NODE.ws() + "?token=" + alice.token())) {
                JsonNode error = three.awaitType("error");
                assertThat(error.get("status").asInt(), is(429));
                assertThat(error.get("retryAfter").asInt(), greaterThanOrEqualTo(1));
                assertThat(three.awaitClose(Duration.ofSeconds(10)), is(Limits.SOCKET_CLOSE_CODE));
                assertThat(three.seen().stream().noneMatch(f -> "ready".equals(f.path("type").asText())), is(true));
            }
        }
        // Someone else opens theirs.
        try (WsTestClient other = WsTestClient.connect(NODE.ws() + "?token=" + Cluster.user().token())) {
            other.awaitType("ready");
        }
    }

    @Test
    void unauthenticatedSocketsPerAddressCountTheAddressTheTrustedProxyAppended() {
        String address = "203.0." + (int) (Math.random() * 255) + "." + (int) (Math.random() * 255);
        String other = "198.51." + (int) (Math.random() * 255) + "." + (int) (Math.random() * 255);
        try (WsTestClient one = WsTestClient.connect(NODE.ws(), Map.of("X-Forwarded-For", address))) {
            one.send(Map.of("type", "auth", "token", Cluster.user().token()));
            one.awaitType("ready");
            // What the client writes itself, left of the proxy's entry, changes nothing.
            try (WsTestClient two = WsTestClient.connect(NODE.ws(), Map.of("X-Forwarded-For", "127.0.0.1, " + address))) {
                two.send(Map.of("type", "auth", "token", Cluster.user().token()));
                two.awaitType("ready");
                try (WsTestClient three = WsTestClient.connect(NODE.ws(), Map.of("X-Forwarded-For", other + ", " + address))) {
                    JsonNode error = three.awaitType("error");
                    assertThat(error.get("status").asInt(), is(429));
                    assertThat(error.get("retryAfter").asInt(), greaterThanOrEqualTo(1));
                    assertThat(three.awaitClose(Duration.ofSeconds(10)), is(Limits.SOCKET_CLOSE_CODE));
                }
                // The open ones are not disturbed.
                one.send(Map.of("type", "ping", "requestId", "p1"));
                one.awaitType("pong");
            }
        }
        try (WsTestClient elsewhere = WsTestClient.connect(NODE.ws(), Map.of("X-Forwarded-For", other))) {
            elsewhere.send(Map.of("type", "auth", "token", Cluster.user().token()));
            elsewhere.awaitType("ready");
        }
    }
}

package dev.courier.messenger.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.testing.Http;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

class WebSocketTest {

    private final Cluster.Node a = Cluster.a();
    private final Http http = a.http();

    private static boolean created(JsonNode f, long messageId) {
        return "message.created".equals(f.path("type").asText()) && f.path("message").path("id").asLong() == messageId;
    }

    @Test
    void aMemberConnectedToAnotherInstanceReceivesAMessageSentThroughTheFirst() {
        Cluster.Node b = Cluster.b();
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (WsTestClient bobWs = WsTestClient.connect(b.ws() + "?token=" + bob.token())) {
            long start = bobWs.awaitType("ready").get("cursor").asLong();
            long id = alice.sendTo(http, bob, "across replicas").get("id").asLong();
            JsonNode f = bobWs.await(x -> created(x, id), Duration.ofSeconds(15));
            assertThat(f.get("message").get("text").asText(), is("across replicas"));
            assertThat(f.get("cursor").asLong() > start, is(true));
            assertThat(f.get("message").get("senderId").asLong(), is(alice.id()));
        }
    }

    @Test
    void socketCommandsSendEditDeleteReadAndTypeAndTheOtherMemberSeesEachInRealTime() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (WsTestClient aliceWs = WsTestClient.connect(a.ws());
             WsTestClient bobWs = WsTestClient.connect(a.ws(), Map.of("Cookie", "courier_access=" + bob.token()))) {
            aliceWs.send(Map.of("type", "auth", "token", alice.token()));
            aliceWs.awaitType("ready");
            bobWs.awaitType("ready");

            aliceWs.send(Map.of("type", "send", "requestId", "r1", "toUserId", bob.id(), "clientId", "ws-1", "text", "hi"));
            JsonNode ack = aliceWs.awaitType("ack");
            assertThat(ack.get("requestId").asText(), is("r1"));
            long id = ack.get("result").get("id").asLong();
            long chat = ack.get("result").get("conversationId").asLong();
            bobWs.await(x -> created(x, id), Duration.ofSeconds(10));

            aliceWs.send(Map.of("type", "typing", "conversationId", chat));
            JsonNode typing = bobWs.awaitType("typing");
            assertThat(typing.get("userId").asLong(), is(alice.id()));
            assertThat(typing.has("cursor"), is(false));

            aliceWs.send(Map.of("type", "edit", "requestId", "r2", "messageId", id, "text", "hello"));
            assertThat(bobWs.awaitType("message.edited").get("message").get("text").asText(), is("hello"));

            bobWs.send(Map.of("type", "read", "requestId", "r3", "conversationId", chat, "messageId", id));
            JsonNode read = aliceWs.awaitType("read");
            assertThat(read.get("userId").asLong(), is(bob.id()));
            assertThat(read.get("messageId").asLong(), is(id));

            bobWs.send(Map.of("type", "delete", "requestId", "r4", "messageId", id));
            JsonNode refused = bobWs.awaitType("error");
            assertThat(refused.get("requestId").asText(), is("r4"));
            assertThat(refused.get("status").asInt(), is(403));

            aliceWs.send(Map.of("type", "delete", "requestId", "r5", "messageId", id));
            assertThat(bobWs.awaitType("message.deleted").get("message").get("deleted").asBoolean(), is(true));
        }
    }

    @Test
    void aReconnectingClientGetsEverythingItMissedInOrderWithoutDuplicates() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        long cursor;
        try (WsTestClient bobWs = WsTestClient.connect(a.ws() + "?token=" + bob.token())) {
            cursor = bobWs.awaitType("ready").get("cursor").asLong();
        }
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            sent.add(alice.sendTo(http, bob, "missed " + i).get("id").asLong());
        }
        try (WsTestClient bobWs = WsTestClient.connect(a.ws() + "?token=" + bob.token() + "&cursor=" + cursor)) {
            assertThat(bobWs.awaitType("ready").get("cursor").asLong(), is(cursor));
            bobWs.await(x -> created(x, sent.get(sent.size() - 1)), Duration.ofSeconds(20));
            bobWs.drain(Duration.ofMillis(300));
            List<Long> got = new ArrayList<>();
            long last = cursor;
            for (JsonNode f : bobWs.seen()) {
                if (f.has("cursor") && !"ready".equals(f.get("type").asText())) {
                    // Opaque and growing, not necessarily consecutive (other users' events sit between).
                    assertThat(f.get("cursor").asLong() > last, is(true));
                    last = f.get("cursor").asLong();
                    got.add(f.get("message").get("id").asLong());
                }
            }
            assertThat(got, is(sent));
        }
    }

    @Test
    void badFramesGetAnErrorFrameAndTheSocketStaysOpen() {
        TestUser bob = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(a.ws() + "?token=" + bob.token())) {
            ws.awaitType("ready");
            ws.sendText("{not json");
            assertThat(ws.awaitType("error").get("status").asInt(), is(400));
            ws.send(Map.of("type", "teleport"));
            assertThat(ws.awaitType("error").get("field").asText(), is("type"));
            ws.send(Map.of("type", "send", "toUserId", bob.id(), "text", "x", "extra", true));
            assertThat(ws.awaitType("error").get("field").asText(), is("extra"));
            ws.sendText("{\"type\":\"send\",\"text\":\"" + "x".repeat(70_000) + "\"}");
            assertThat(ws.awaitType("error").get("status").asInt(), is(413));
            ws.send(Map.of("type", "resume", "cursor", 999_999));
            assertThat(ws.awaitType("error").get("field").asText(), is("cursor"));
            ws.send(Map.of("type", "ping", "requestId", "p"));
            assertThat(ws.awaitType("pong").get("requestId").asText(), is("p"));
        }
    }

    @Test
    void anUnauthenticatedSocketCanDoNothingButAuthenticate() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(a.ws())) {
            ws.send(Map.of("type", "send", "toUserId", bob.id(), "text", "sneaky"));
            assertThat(ws.awaitType("error").get("status").asInt(), is(401));
            ws.send(Map.of("type", "auth", "token", "garbage"));
            assertThat(ws.awaitClose(Duration.ofSeconds(10)), is(Connection.UNAUTHORIZED));
        }
        assertThat(bob.get(http, "/api/v1/chats").json().size(), is(0));
        assertThat(alice.get(http, "/api/v1/chats").json().size(), is(0));
    }

    @Test
    void presenceIsSharedInRedisWhileASocketIsOpen() throws Exception {
        TestUser bob = Cluster.user();
        try (var redis = new redis.clients.jedis.JedisPooled(java.net.URI.create(Cluster.infra().redisUrl()))) {
            try (WsTestClient ws = WsTestClient.connect(a.ws() + "?token=" + bob.token())) {
                ws.awaitType("ready");
                assertThat(redis.exists(Presence.key(bob.id())), is(true));
                assertThat(redis.ttl(Presence.key(bob.id())), greaterThan(0L));
            }
            long end = System.currentTimeMillis() + 5000;
            while (redis.exists(Presence.key(bob.id())) && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
            assertThat(redis.exists(Presence.key(bob.id())), is(false));
        }
    }

    @Test
    void aRevokedSessionClosesItsSocketsOnEveryReplica() {
        TestUser bob = Cluster.user();
        try (WsTestClient onA = WsTestClient.connect(a.ws() + "?token=" + bob.token());
             WsTestClient onB = WsTestClient.connect(Cluster.b().ws() + "?token=" + bob.token())) {
            onA.awaitType("ready");
            onB.awaitType("ready");
            var out = Cluster.auth().post("/api/v1/auth/logout", Map.of(), bob.bearer());
            assertThat(out.body(), out.status(), is(204));
            assertThat(onA.awaitClose(Duration.ofSeconds(10)), is(Connection.UNAUTHORIZED));
            assertThat(onB.awaitClose(Duration.ofSeconds(10)), is(Connection.UNAUTHORIZED));
        }
    }

    @Test
    void onShutdownEverySocketIsToldToReconnectWithItsCursor() {
        Cluster.Node node = Cluster.startMessenger(Map.of());
        TestUser bob = Cluster.user();
        TestUser alice = Cluster.user();
        try (WsTestClient ws = WsTestClient.connect(node.ws() + "?token=" + bob.token())) {
            ws.awaitType("ready");
            long id = alice.sendTo(node.http(), bob, "before shutdown").get("id").asLong();
            long cursor = ws.await(x -> created(x, id), Duration.ofSeconds(10)).get("cursor").asLong();
            node.stop();
            JsonNode reconnect = ws.awaitType("reconnect");
            // Every event of bob's up to the cursor was sent: the last one, or a later position.
            assertThat(reconnect.get("cursor").asLong() >= cursor, is(true));
            assertThat(ws.awaitClose(Duration.ofSeconds(10)), is(1012));
        }
    }
}

package dev.courier.messenger.realtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

/** Typing is limited to one signal per user and chat per interval (2 s by default); the rest is dropped silently. */
class TypingRateLimitTest {

    private final Cluster.Node a = Cluster.a();

    private static List<JsonNode> typing(List<JsonNode> frames) {
        return frames.stream().filter(f -> "typing".equals(f.path("type").asText())).toList();
    }

    @Test
    void aBurstOfTypingFramesReachesTheOtherMemberOnceAndAgainAfterTheInterval() throws InterruptedException {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        long chat = alice.sendTo(a.http(), bob, "hi").get("conversationId").asLong();
        try (WsTestClient aliceWs = WsTestClient.connect(a.ws() + "?token=" + alice.token());
             WsTestClient bobWs = WsTestClient.connect(a.ws() + "?token=" + bob.token())) {
            aliceWs.awaitType("ready");
            bobWs.awaitType("ready");

            long burst = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                aliceWs.send(Map.of("type", "typing", "requestId", "t" + i, "conversationId", chat));
            }
            // The socket answers the next command in order: every typing frame before it was handled.
            aliceWs.send(Map.of("type", "ping", "requestId", "after-burst"));
            aliceWs.await(f -> "pong".equals(f.path("type").asText()), Duration.ofSeconds(10));
            List<JsonNode> first = typing(bobWs.drain(Duration.ofMillis(1000)));
            assertThat(first, hasSize(1));
            assertThat(first.get(0).get("userId").asLong(), is(alice.id()));
            assertThat(first.get(0).get("conversationId").asLong(), is(chat));
            // Dropped frames are silent for the sender too: no error, no ack.
            assertThat(aliceWs.seen().stream().filter(f -> f.path("requestId").asText().startsWith("t")).toList(), is(empty()));

            long waited = Duration.ofNanos(System.nanoTime() - burst).toMillis();
            Thread.sleep(Math.max(0, 2_200 - waited));
            for (int i = 0; i < 20; i++) {
                aliceWs.send(Map.of("type", "typing", "conversationId", chat));
            }
            assertThat(typing(bobWs.drain(Duration.ofMillis(1000))), hasSize(1));
        }
    }

    @Test
    void theLimitIsPerChatAndRefusedTypingIsStillAnsweredWithAnError() {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        TestUser carol = Cluster.user();
        TestUser stranger = Cluster.user();
        long withBob = alice.sendTo(a.http(), bob, "hi bob").get("conversationId").asLong();
        long withCarol = alice.sendTo(a.http(), carol, "hi carol").get("conversationId").asLong();
        try (WsTestClient aliceWs = WsTestClient.connect(a.ws() + "?token=" + alice.token());
             WsTestClient carolWs = WsTestClient.connect(a.ws() + "?token=" + carol.token());
             WsTestClient strangerWs = WsTestClient.connect(a.ws() + "?token=" + stranger.token())) {
            aliceWs.awaitType("ready");
            carolWs.awaitType("ready");
            strangerWs.awaitType("ready");
            aliceWs.send(Map.of("type", "typing", "conversationId", withBob));
            aliceWs.send(Map.of("type", "typing", "conversationId", withCarol));
            JsonNode toCarol = carolWs.awaitType("typing");
            assertThat(toCarol.get("conversationId").asLong(), is(withCarol));

            // A non-member is refused every time, however often it tries: refusals do not count as signals.
            for (int i = 0; i < 3; i++) {
                strangerWs.send(Map.of("type", "typing", "requestId", "s" + i, "conversationId", withBob));
                JsonNode error = strangerWs.awaitType("error");
                assertThat(error.get("requestId").asText(), is("s" + i));
                assertThat(error.get("status").asInt(), is(404));
            }
        }
    }
}

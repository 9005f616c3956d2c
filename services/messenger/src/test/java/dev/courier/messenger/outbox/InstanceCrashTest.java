package dev.courier.messenger.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.testing.Http;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.TopicReader;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.Topics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A messenger instance is killed (SIGKILL, its own JVM) in the middle of a burst of sends in two
 * chats. Clients retry failed sends on the surviving instance with the same client id. Afterwards
 * history, the Kafka topic and a resumed socket each hold every acknowledged message exactly
 * once, in send order per chat.
 */
class InstanceCrashTest {

    private static final int PER_CHAT = 40;

    @Test
    void noAcknowledgedMessageIsLostDuplicatedOrReorderedWhenAnInstanceDies() throws Exception {
        Cluster.Node survivor = Cluster.a();
        int port = Cluster.freePort();
        Process victim = Cluster.startMessengerProcess(port);
        TestUser alice = Cluster.user();
        TestUser carol = Cluster.user();
        TestUser bob = Cluster.user();
        long cursor;
        try (WsTestClient ws = WsTestClient.connect(survivor.ws() + "?token=" + bob.token())) {
            cursor = ws.awaitType("ready").get("cursor").asLong();
        }
        AtomicInteger acks = new AtomicInteger();
        CountDownLatch halfway = new CountDownLatch(1);
        List<Long> fromAlice = Collections.synchronizedList(new ArrayList<>());
        List<Long> fromCarol = Collections.synchronizedList(new ArrayList<>());
        try (TopicReader topic = new TopicReader(Cluster.infra().kafkaBootstrap(), Topics.MESSAGES)) {
            Thread t1 = Thread.ofVirtual().start(() -> burst(alice, bob, Http.port(port), survivor.http(), fromAlice, acks, halfway));
            Thread t2 = Thread.ofVirtual().start(() -> burst(carol, bob, Http.port(port), survivor.http(), fromCarol, acks, halfway));
            halfway.await();
            victim.destroyForcibly().waitFor();
            t1.join();
            t2.join();
            assertThat(fromAlice.size(), is(PER_CHAT));
            assertThat(fromCarol.size(), is(PER_CHAT));

            // History: each chat holds exactly the acknowledged messages, in send order.
            assertThat(history(bob, survivor.http(), alice), is(fromAlice));
            assertThat(history(bob, survivor.http(), carol), is(fromCarol));

            // Kafka: one message.created per acknowledged message, in order within each chat.
            List<Long> all = new ArrayList<>(fromAlice);
            all.addAll(fromCarol);
            List<TopicReader.Record> events = topic.await(r -> MessageEvent.CREATED.equals(r.event().type())
                    && all.contains(r.event().message().id()), all.size(), Duration.ofSeconds(60));
            assertThat(ids(events, alice.id()), is(fromAlice));
            assertThat(ids(events, carol.id()), is(fromCarol));
        }

        // A socket resumed from before the burst: every message once, in order per chat.
        try (WsTestClient ws = WsTestClient.connect(survivor.ws() + "?token=" + bob.token() + "&cursor=" + cursor)) {
            long last = Math.max(fromAlice.get(PER_CHAT - 1), fromCarol.get(PER_CHAT - 1));
            ws.await(f -> f.path("message").path("id").asLong() == last, Duration.ofSeconds(30));
            ws.drain(Duration.ofMillis(500));
            List<Long> a = new ArrayList<>();
            List<Long> c = new ArrayList<>();
            for (JsonNode f : ws.seen()) {
                if ("message.created".equals(f.path("type").asText())) {
                    long sender = f.get("message").get("senderId").asLong();
                    (sender == alice.id() ? a : c).add(f.get("message").get("id").asLong());
                }
            }
            assertThat(a, is(fromAlice));
            assertThat(c, is(fromCarol));
        }
    }

    /** Sends PER_CHAT messages, to the victim first; a failed send is retried on the survivor with the same client id. */
    private static void burst(TestUser from, TestUser to, Http victim, Http survivor, List<Long> acked,
                              AtomicInteger acks, CountDownLatch halfway) {
        Http target = victim;
        for (int i = 0; i < PER_CHAT; i++) {
            Map<String, Object> body = Map.of("toUserId", to.id(), "clientId", from.username() + "-" + i, "text", "burst " + i);
            while (true) {
                try {
                    var r = from.post(target, "/api/v1/messages", body);
                    if (r.status() == 201) {
                        acked.add(r.json().get("id").asLong());
                        break;
                    }
                    target = survivor;
                } catch (IllegalStateException connectionLost) {
                    target = survivor;
                }
            }
            if (acks.incrementAndGet() == PER_CHAT / 2) {
                halfway.countDown();
            }
        }
    }

    private static List<Long> history(TestUser reader, Http http, TestUser pal) {
        JsonNode page = reader.get(http, "/chat?pal_id=" + pal.id() + "&limit=100").json();
        List<Long> ids = new ArrayList<>();
        page.forEach(m -> ids.add(m.get("id").asLong()));
        Collections.reverse(ids);
        return ids;
    }

    private static List<Long> ids(List<TopicReader.Record> events, long sender) {
        return events.stream().filter(r -> r.event().message().senderId() == sender).map(r -> r.event().message().id()).toList();
    }
}

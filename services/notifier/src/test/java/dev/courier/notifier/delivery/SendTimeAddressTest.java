package dev.courier.notifier.delivery;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.courier.notifier.testing.Notifier;
import dev.courier.notifier.testing.Subscriber;
import dev.courier.notifier.testing.TestAuth.TestUser;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * A push endpoint is checked again when a push is sent, on the address the notifier then connects
 * to: a host name that points at this machine by then (DNS rebinding) gets no connection at all,
 * while an allow-listed push service goes on receiving pushes.
 */
class SendTimeAddressTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aNameThatResolvesToThisMachineAtSendTimeIsRefusedWithoutAConnection() throws Exception {
        // A listener where the refused endpoints point: any connection it accepts is the forgery.
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                while (!target.isClosed()) {
                    try {
                        accepted.add(target.accept());
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            // This machine's own name resolves to loopback here (a private address elsewhere); both
            // names are on the allow-list and the listener's port is allowed, so only their
            // addresses can stop them.
            String own = InetAddress.getLocalHost().getHostName();
            Notifier n = Notifier.with(Map.of(
                    "courier.notifier.push.allowedhosts", "127.0.0.1,localhost," + own,
                    "courier.notifier.push.ports", "443," + target.getLocalPort(),
                    "courier.notifier.kafka.topic", Notifier.TOPIC + ".send-time-address"));
            try {
                TestUser alice = n.auth.user("Alice");
                TestUser bob = n.auth.user("Bob");
                Subscriber allowed = Subscriber.at(n.push.endpoint("allowed"));
                var created = n.http.post("/api/v1/push/subscriptions", allowed.json(), bob.auth());
                assertThat(created.body(), created.status(), is(201));

                List<String> rebound = List.of("https://localhost:" + target.getLocalPort() + "/push/" + UUID.randomUUID(),
                        "https://" + own + ":" + target.getLocalPort() + "/push/" + UUID.randomUUID());
                for (String endpoint : rebound) {
                    var refused = n.http.post("/api/v1/push/subscriptions", Subscriber.at(endpoint).json(), bob.auth());
                    assertThat(refused.body(), refused.status(), is(400));
                    assertThat(refused.json().get("field").asText(), is("endpoint"));
                    // Stored as if the name had pointed at a public address when it was subscribed:
                    // DNS that answers differently later cannot be staged on this machine.
                    insertSubscription(n, bob.id(), Subscriber.at(endpoint));
                }

                try (KafkaConsumer<String, byte[]> dlq = dlqAtEnd(n)) {
                    MessageEvent e = n.message(Notifier.newChatId(), "direct", alice.id(), "still here?", List.of(bob.id()));
                    n.push.await(allowed.endpoint(), WAIT);

                    List<Map<String, Object>> rows = awaitPushAttempts(n, e.eventId(), 3);
                    assertThat(rows.toString(), rows.stream().filter(r -> "delivered".equals(r.get("outcome"))).count(), is(1L));
                    List<Map<String, Object>> refusedRows = rows.stream().filter(r -> "refused".equals(r.get("outcome"))).toList();
                    assertThat(rows.toString(), refusedRows.size(), is(2));
                    // Refused once, never retried: no answer could make the address public.
                    refusedRows.forEach(r -> assertThat(rows.toString(), r.get("attempt"), is(1)));

                    List<JsonNode> letters = awaitDeadLetters(dlq, e.eventId(), 2);
                    for (JsonNode letter : letters) {
                        assertThat(letter.get("userId").asLong(), is(bob.id()));
                        assertThat(letter.get("reason").asText(), startsWith("refused: "));
                        assertThat(letter.get("reason").asText(), containsString("non-public address"));
                    }
                }
                assertThat("connections made to the refused endpoints", accepted, is(empty()));
            } finally {
                n.close();
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    private static void insertSubscription(Notifier n, long userId, Subscriber s) throws Exception {
        try (Connection c = DriverManager.getConnection(n.stack.dbUrl(), n.stack.dbUser(), n.stack.dbPassword());
             var ps = c.prepareStatement("INSERT INTO notifier.subscription (user_id, endpoint, p256dh, auth) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, userId);
            ps.setString(2, s.endpoint());
            ps.setString(3, s.p256dh());
            ps.setString(4, s.auth());
            ps.executeUpdate();
        }
    }

    private static List<Map<String, Object>> awaitPushAttempts(Notifier n, String eventId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Map<String, Object>> rows = List.of();
        while (System.nanoTime() < deadline) {
            rows = n.attempts(eventId).stream().filter(a -> DeliveryLog.PUSH.equals(a.get("channel"))).toList();
            if (rows.size() >= count) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(rows.toString(), rows.size(), is(count));
        return rows;
    }

    private static KafkaConsumer<String, byte[]> dlqAtEnd(Notifier n) {
        var props = KafkaSettings.from(io.helidon.config.Config.just(io.helidon.config.ConfigSources.create(
                Map.of("bootstrap", n.stack.kafkaBootstrap())))).consumer("notifier-test-dlq-" + UUID.randomUUID(), "notifier-test");
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props);
        List<TopicPartition> parts = c.partitionsFor(Topics.NOTIFICATIONS_DLQ).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position);
        return c;
    }

    private static List<JsonNode> awaitDeadLetters(KafkaConsumer<String, byte[]> c, String eventId, int count) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < count && System.nanoTime() < deadline) {
            for (var r : c.poll(Duration.ofMillis(300))) {
                JsonNode j = Json.MAPPER.readTree(r.value());
                if (eventId.equals(j.get("eventId").asText())) {
                    out.add(j);
                }
            }
        }
        assertThat(out.toString(), out.size(), is(count));
        return out;
    }
}

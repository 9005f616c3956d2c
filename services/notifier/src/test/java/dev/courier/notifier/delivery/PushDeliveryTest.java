package dev.courier.notifier.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.courier.notifier.testing.FakePushService.Answer;
import dev.courier.notifier.testing.FakePushService.Received;
import dev.courier.notifier.testing.Notifier;
import dev.courier.notifier.testing.Subscriber;
import dev.courier.notifier.testing.TestAuth.TestUser;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;
import dev.courier.platform.security.Es256;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * From a message event on the real Kafka topic to the HTTP request a push service on 127.0.0.1
 * receives: VAPID checked against the served public key, the body decrypted by npm http_ece.
 */
class PushDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Notifier n = Notifier.get();

    private Subscriber subscribe(TestUser u, String name) {
        Subscriber s = Subscriber.at(n.push.endpoint(name));
        var r = n.http.post("/api/v1/push/subscriptions", s.json(), u.auth());
        assertThat(r.body(), r.status(), is(201));
        return s;
    }

    @Test
    void anOfflineRecipientGetsAPushThatAnIndependentImplementationDecrypts() throws Exception {
        TestUser alice = n.auth.user("Alice Sender");
        TestUser bob = n.auth.user("Bob");
        Subscriber s = subscribe(bob, "e2e");
        long chat = Notifier.newChatId();
        double deliveredBefore = sample(metrics(), "courier_notifier_push_attempts_total", "delivered");

        MessageEvent e = n.message(chat, "direct", alice.id(), "Lunch at noon? 🍜", List.of(bob.id()));
        Received r = n.push.await(s.endpoint(), WAIT);

        assertThat(r.method(), is("POST"));
        assertThat(r.header("Content-Encoding"), is("aes128gcm"));
        assertThat(r.header("TTL"), is("86400"));
        assertThat(r.header("Urgency"), is("high"));
        assertThat(r.header("Topic"), is("chat-" + chat));
        assertVapid(r.header("Authorization"));

        JsonNode payload = Json.MAPPER.readTree(s.decrypt(r.body()));
        assertThat(payload.get("chatId").asLong(), is(chat));
        assertThat(payload.get("messageId").asLong(), is(e.message().id()));
        assertThat(payload.get("senderName").asText(), is("Alice Sender"));
        assertThat(payload.get("preview").asText(), is("Lunch at noon? 🍜"));
        assertThat(payload.get("title").asText(), is("Alice Sender"));
        assertThat(payload.get("url").asText(), is("/app/chats/" + chat));

        List<Map<String, Object>> attempts = awaitAttempts(e.eventId(), 1);
        assertThat(attempts.getFirst().get("outcome"), is("delivered"));
        assertThat(attempts.getFirst().get("status"), is(201));
        String metrics = metrics();
        assertThat(metrics.contains("notifier_deliveries_total{channel=\"push\",outcome=\"delivered\""), is(true));
        // The operator's figures: attempts by outcome, and how long the push service took as a histogram.
        assertThat(sample(metrics, "courier_notifier_push_attempts_total", "delivered") >= deliveredBefore + 1, is(true));
        assertThat(sample(metrics, "courier_notifier_push_duration_seconds_count", "delivered") >= 1, is(true));
        assertThat(metrics, org.hamcrest.Matchers.containsString("\ncourier_notifier_push_duration_seconds_bucket{"));
    }

    /** The value of {@code metric}'s sample with {@code outcome}, 0 when it is not there. */
    private static double sample(String exposition, String metric, String outcome) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + metric + "\\{[^}]*outcome=\"" + outcome + "\"[^}]*\\} (\\S+)")
                .matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void encryptedMessagesAndUsersWithPreviewsOffGetNoPreview() throws Exception {
        TestUser alice = n.auth.user("Alice");
        TestUser quiet = n.auth.user("Quiet");
        TestUser other = n.auth.user("Other");
        Subscriber q = subscribe(quiet, "nopreview");
        Subscriber o = subscribe(other, "e2ee");
        n.http.method("PUT", "/api/v1/notifications/preferences", Map.of("push", true, "email", false, "previews", false), quiet.auth());

        n.message(Notifier.newChatId(), "room", alice.id(), "secret plans", List.of(quiet.id()));
        JsonNode p1 = Json.MAPPER.readTree(q.decrypt(n.push.await(q.endpoint(), WAIT).body()));
        assertThat(p1.get("preview"), nullValue());
        assertThat(p1.get("body").asText(), is("New message"));

        long chat = Notifier.newChatId();
        n.produce(new MessageEvent(1, "message.created:" + UUID.randomUUID(), MessageEvent.CREATED, Instant.now(), chat, "room",
                new MessageEvent.Message(77, alice.id(), null, "Y2lwaGVy", "bm9uY2U=", Map.of("1", "ZW52"), Instant.now(), null, false),
                List.of(other.id())));
        Received r = n.push.await(o.endpoint(), WAIT);
        assertThat(r.header("Urgency"), is("normal"));
        JsonNode p2 = Json.MAPPER.readTree(o.decrypt(r.body()));
        assertThat(p2.get("preview"), nullValue());
        assertThat(p2.get("body").asText(), is("New encrypted message"));
    }

    @Test
    void onlineAndMutedRecipientsGetNoPushWhileOthersInTheChatDo() throws Exception {
        TestUser alice = n.auth.user("Alice");
        TestUser online = n.auth.user("Online");
        TestUser muted = n.auth.user("Muted");
        TestUser offline = n.auth.user("Offline");
        Subscriber on = subscribe(online, "online");
        Subscriber mu = subscribe(muted, "muted");
        Subscriber off = subscribe(offline, "offline");
        long chat = Notifier.newChatId();
        n.http.method("PUT", "/api/v1/notifications/mutes/" + chat,
                Map.of("until", Instant.now().plusSeconds(3600).toString()), muted.auth());
        n.online(online.id());
        try {
            n.message(chat, "room", alice.id(), "hello room", List.of(online.id(), muted.id(), offline.id()));
            n.push.await(off.endpoint(), WAIT);
            Thread.sleep(1000);
            assertThat(n.push.drain(on.endpoint()).size(), is(0));
            assertThat(n.push.drain(mu.endpoint()).size(), is(0));
        } finally {
            n.offline(online.id());
        }
        // Back offline, the same user is notified again.
        n.message(chat, "room", alice.id(), "are you there?", List.of(online.id()));
        n.push.await(on.endpoint(), WAIT);
    }

    @Test
    void aRedeliveredEventNotifiesOnce() throws Exception {
        TestUser alice = n.auth.user("Alice");
        TestUser bob = n.auth.user("Bob");
        Subscriber s = subscribe(bob, "dup");
        MessageEvent e = n.message(Notifier.newChatId(), "direct", alice.id(), "once", List.of(bob.id()));
        n.produce(e);
        n.push.await(s.endpoint(), WAIT);
        Thread.sleep(1000);
        assertThat(n.push.drain(s.endpoint()).size(), is(0));
    }

    @Test
    void aSubscriptionThePushServiceNoLongerKnowsIsDeleted() throws Exception {
        for (int status : new int[] {404, 410}) {
            TestUser alice = n.auth.user("Alice");
            TestUser bob = n.auth.user("Bob");
            Subscriber s = subscribe(bob, "gone" + status);
            n.push.answer(s.endpoint(), Answer.of(status));
            MessageEvent e = n.message(Notifier.newChatId(), "direct", alice.id(), "gone?", List.of(bob.id()));
            n.push.await(s.endpoint(), WAIT);
            List<Map<String, Object>> attempts = awaitAttempts(e.eventId(), 1);
            assertThat(attempts.getFirst().get("outcome"), is("gone"));
            assertThat(attempts.getFirst().get("status"), is(status));
            assertThat(n.http.get("/api/v1/push/subscriptions", bob.auth()).json().get("subscriptions").size(), is(0));
        }
    }

    @Test
    void aThrottledPushIsRetriedAfterTheRetryAfterTheServiceAsked() throws Exception {
        TestUser alice = n.auth.user("Alice");
        TestUser bob = n.auth.user("Bob");
        Subscriber s = subscribe(bob, "throttled");
        n.push.answer(s.endpoint(), new Answer(429, "2"));
        MessageEvent e = n.message(Notifier.newChatId(), "direct", alice.id(), "later", List.of(bob.id()));
        Received first = n.push.await(s.endpoint(), WAIT);
        Received second = n.push.await(s.endpoint(), WAIT);
        assertThat(Duration.between(first.at(), second.at()).toMillis(), greaterThanOrEqualTo(1900L));
        assertThat(s.decrypt(second.body()).contains("later"), is(true));
        List<Map<String, Object>> attempts = awaitAttempts(e.eventId(), 2);
        assertThat(attempts.get(0).get("outcome"), is("retry"));
        assertThat(attempts.get(0).get("status"), is(429));
        assertThat(attempts.get(1).get("outcome"), is("delivered"));
        assertThat(attempts.get(1).get("attempt"), is(2));
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenDeadLettered() throws Exception {
        TestUser alice = n.auth.user("Alice");
        TestUser bob = n.auth.user("Bob");
        Subscriber s = subscribe(bob, "broken");
        n.push.always(s.endpoint(), Answer.of(503));
        try (KafkaConsumer<String, byte[]> dlq = dlqAtEnd()) {
            MessageEvent e = n.message(Notifier.newChatId(), "direct", alice.id(), "doomed", List.of(bob.id()));
            Received prev = n.push.await(s.endpoint(), WAIT);
            for (int i = 2; i <= Notifier.PUSH_ATTEMPTS; i++) {
                Received next = n.push.await(s.endpoint(), WAIT);
                assertThat(Duration.between(prev.at(), next.at()).toMillis(), greaterThanOrEqualTo(150L));
                prev = next;
            }
            JsonNode letter = awaitDeadLetter(dlq, e.eventId());
            assertThat(letter.get("userId").asLong(), is(bob.id()));
            assertThat(letter.get("attempts").asInt(), is(Notifier.PUSH_ATTEMPTS));
            assertThat(letter.get("lastStatus").asInt(), is(503));
            assertThat(letter.get("endpointOrigin").asText(), is(n.push.origin()));
            List<Map<String, Object>> attempts = awaitAttempts(e.eventId(), Notifier.PUSH_ATTEMPTS);
            assertThat(attempts.getLast().get("outcome"), is("failed"));
            // A failing service is not a dead subscription: it stays.
            assertThat(n.http.get("/api/v1/push/subscriptions", bob.auth()).json().get("subscriptions").size(), is(1));
            assertThat(n.push.drain(s.endpoint()).size(), lessThanOrEqualTo(0));
        }
    }

    private void assertVapid(String authorization) {
        assertThat(authorization, notNullValue());
        assertThat(authorization.startsWith("vapid t="), is(true));
        String token = authorization.substring(8, authorization.indexOf(", k="));
        String k = authorization.substring(authorization.indexOf(", k=") + 4);
        assertThat(k, is(n.http.get("/api/v1/push/vapid-public-key").json().get("publicKey").asText()));
        String[] parts = token.split("\\.");
        boolean valid = Es256.verify(Es256.fromUncompressed(Base64.getUrlDecoder().decode(k)),
                (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), Base64.getUrlDecoder().decode(parts[2]));
        assertThat("VAPID signature verifies with the served key", valid, is(true));
        Map<?, ?> claims = Json.read(Base64.getUrlDecoder().decode(parts[1]), Map.class);
        assertThat(claims.get("aud"), is(n.push.origin()));
        long exp = ((Number) claims.get("exp")).longValue();
        long now = Instant.now().getEpochSecond();
        assertThat(exp > now, is(true));
        assertThat(exp - now, lessThanOrEqualTo(24 * 3600L));
        assertThat(String.valueOf(claims.get("sub")).startsWith("mailto:"), is(true));
    }

    /**
     * The push attempts for an event. When no push reached the user, an email follows a moment
     * later (see EmailNotificationTest); its row is not counted here.
     */
    private List<Map<String, Object>> awaitAttempts(String eventId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Map<String, Object>> rows = pushAttempts(eventId);
        while (rows.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
            rows = pushAttempts(eventId);
        }
        assertThat(rows.toString(), rows.size(), is(count));
        return rows;
    }

    private List<Map<String, Object>> pushAttempts(String eventId) {
        return n.attempts(eventId).stream().filter(a -> DeliveryLog.PUSH.equals(a.get("channel"))).toList();
    }

    private KafkaConsumer<String, byte[]> dlqAtEnd() {
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

    private static JsonNode awaitDeadLetter(KafkaConsumer<String, byte[]> c, String eventId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (var r : c.poll(Duration.ofMillis(300))) {
                JsonNode j = Json.MAPPER.readTree(r.value());
                if (eventId.equals(j.get("eventId").asText())) {
                    return j;
                }
            }
        }
        throw new AssertionError("No dead letter for " + eventId);
    }

    private String metrics() {
        return dev.courier.platform.testing.Http.port(n.server.port(dev.courier.platform.server.Servers.MANAGEMENT)).get("/metrics", Map.of("Accept", "text/plain")).body();
    }
}

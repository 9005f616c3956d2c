package dev.courier.messenger;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.courier.infra.LocalStack;
import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.testing.Http;
import dev.courier.platform.events.MessageProcessedEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * Messenger while its PostgreSQL or Kafka is stopped. This messenger has its own PostgreSQL and
 * Kafka (under {@code outage-messenger}), so stopping them disturbs no other test.
 */
class BackingOutageTest {

    private static LocalStack own;
    private static String kafka;
    private static String db;
    private Cluster.Node node;

    @BeforeAll
    static void start() {
        own = LocalStack.test(Path.of(System.getProperty("courier.test.home", ".courier/test")).resolve("outage-messenger"));
        kafka = own.kafkaOnly();
        db = own.postgresOnly();
    }

    @AfterAll
    static void stop() {
        own.stop();
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.stop();
        }
    }

    private Cluster.Node startNode(String... keysAndValues) {
        Map<String, String> config = new java.util.HashMap<>(Map.of("courier.db.url", db, "courier.kafka.bootstrap", kafka));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        node = Cluster.startMessenger(config);
        return node;
    }

    @Test
    void aWebSocketOpenedWhilePostgresIsDownIsClosedWith1013AtOnce() {
        startNode();
        TestUser alice = Cluster.user();
        own.stopPostgres();
        try (WsTestClient ws = WsTestClient.connect(node.ws() + "?token=" + alice.token())) {
            long t0 = System.nanoTime();
            int code = ws.awaitClose(Duration.ofSeconds(15));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(code, is(1013));
            assertThat("closed within 3 s, took " + millis + " ms", millis, lessThan(3000L));
        } finally {
            own.startPostgres();
        }
        TestUser bob = Cluster.user();
        Http.Response send = untilNot503(() -> alice.post(node.http(), "/api/v1/messages", Map.of("toUserId", bob.id(), "text", "back")));
        assertThat(send.body(), send.status(), is(201));
    }

    /** The processed-mark consumer used to end for good when Kafka went away while it retried a failed database write. */
    @Test
    void marksResumeAfterKafkaFailedWhileADatabaseWriteWasRetried() throws Exception {
        // Kafka calls give up after 3 s instead of 60, so a call made while Kafka is away fails within the outage.
        startNode("courier.kafka.properties.default.api.timeout.ms", "3000", "courier.db.poolwaitmillis", "5000");
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        var m = alice.sendTo(node.http(), bob, "mark me");
        long id = m.get("id").asLong();
        long chat = m.get("conversationId").asLong();

        own.stopPostgres();
        try {
            var settings = new KafkaSettings(kafka, 1, (short) 1, Map.of());
            try (var producer = new KafkaProducer<String, byte[]>(settings.producer("messenger-test-stats"))) {
                var event = new MessageProcessedEvent(MessageProcessedEvent.SCHEMA_VERSION, "processed:" + UUID.randomUUID(), id, chat, Instant.now());
                producer.send(new ProducerRecord<>(Topics.MESSAGES_PROCESSED, Long.toString(chat), Json.write(event))).get();
            }
            // The consumer now fails to write the mark (waiting 5 s for a connection each time) and
            // rewinds, again and again; Kafka dies meanwhile, most likely during such a wait, so the
            // rewind that follows finds no Kafka.
            Thread.sleep(3000);
            own.killKafka();
            Thread.sleep(8000);
        } finally {
            own.startPostgres();
            own.startKafka();
        }
        long end = System.currentTimeMillis() + 60_000;
        boolean processed = false;
        while (!processed && System.currentTimeMillis() < end) {
            var r = bob.get(node.http(), "/api/v1/chats/" + chat + "/messages");
            processed = r.status() == 200 && r.json().get("messages").get(0).get("processed").asBoolean();
            if (!processed) {
                Thread.sleep(500);
            }
        }
        assertThat("the mark sent during the outage is recorded", processed, is(true));
        var live = node.management().get("/health/live");
        assertThat(live.body(), live.status(), is(200));
    }

    private static Http.Response untilNot503(java.util.function.Supplier<Http.Response> call) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        Http.Response r = call.get();
        while (r.status() == 503 && System.nanoTime() < deadline) {
            sleep(500);
            r = call.get();
        }
        return r;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

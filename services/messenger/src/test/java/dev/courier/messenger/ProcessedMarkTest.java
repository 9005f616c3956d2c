package dev.courier.messenger;

import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.platform.testing.Http;
import dev.courier.messenger.testing.TestUser;
import dev.courier.platform.events.MessageProcessedEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The stats service's mark, published on courier.messages.processed.v1, shows in history. */
class ProcessedMarkTest {

    private final Http http = Cluster.a().http();

    @Test
    void aMessageShowsProcessedOnceStatsReportsIt() throws Exception {
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        var m = alice.sendTo(http, bob, "count me");
        long id = m.get("id").asLong();
        long chat = m.get("conversationId").asLong();
        assertThat(m.get("processed").asBoolean(), is(false));

        var settings = new KafkaSettings(Cluster.infra().kafkaBootstrap(), 1, (short) 1, java.util.Map.of());
        try (var producer = new KafkaProducer<String, byte[]>(settings.producer("messenger-test-stats"))) {
            var event = new MessageProcessedEvent(MessageProcessedEvent.SCHEMA_VERSION, "processed:" + UUID.randomUUID(), id, chat, Instant.now());
            producer.send(new ProducerRecord<>(Topics.MESSAGES_PROCESSED, Long.toString(chat), Json.write(event))).get();
            // The same mark again (stats may redeliver) changes nothing.
            producer.send(new ProducerRecord<>(Topics.MESSAGES_PROCESSED, Long.toString(chat), Json.write(event))).get();
        }
        // Other tests start and kill replicas in the same consumer group: allow for a rebalance
        // and a dead member's session timeout (10 s) before the mark is consumed.
        long end = System.currentTimeMillis() + 60_000;
        boolean processed = false;
        while (!processed && System.currentTimeMillis() < end) {
            processed = bob.get(http, "/api/v1/chats/" + chat + "/messages").json().get("messages").get(0).get("processed").asBoolean();
            if (!processed) {
                Thread.sleep(200);
            }
        }
        assertThat(processed, is(true));
    }
}

package dev.courier.messenger.outbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import dev.courier.platform.events.Topics;
import dev.courier.platform.kafka.KafkaSettings;

/**
 * Finds which outbox events already are on the topic. A relay that died between the Kafka commit
 * and the database commit leaves published rows pending; before publishing rows that were
 * attempted, the relay reads the committed tail of their partitions and skips what is there.
 */
final class Reconciler {

    /** How far back to look in each partition: well beyond one batch. */
    private static final int TAIL = 2000;

    private final KafkaSettings kafka;

    Reconciler(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /**
     * The ids of the rows that are already committed on the topic. Records are compared byte for
     * byte with the stored payload (which holds the event id and time), never by a parsed field,
     * so foreign or malformed records on the topic can neither match nor break the check.
     */
    Set<Long> published(List<OutboxStore.Row> rows) {
        Properties p = kafka.consumer("courier-messenger-reconcile-" + UUID.randomUUID(), "courier-messenger-reconcile");
        p.put("default.api.timeout.ms", "5000");
        p.put("request.timeout.ms", "5000");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            int partitions = consumer.partitionsFor(Topics.MESSAGES, Duration.ofSeconds(5)).size();
            Set<TopicPartition> wanted = new HashSet<>();
            Map<java.nio.ByteBuffer, Long> byPayload = new HashMap<>();
            for (OutboxStore.Row row : rows) {
                byte[] key = Long.toString(row.conversationId()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                // The default partitioner's choice for a keyed record.
                wanted.add(new TopicPartition(Topics.MESSAGES, Utils.toPositive(Utils.murmur2(key)) % partitions));
                byPayload.put(java.nio.ByteBuffer.wrap(row.payload()), row.id());
            }
            consumer.assign(wanted);
            Map<TopicPartition, Long> end = consumer.endOffsets(wanted, Duration.ofSeconds(5));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(wanted, Duration.ofSeconds(5));
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : wanted) {
                long from = Math.max(begin.get(tp), end.get(tp) - TAIL);
                consumer.seek(tp, from);
                if (end.get(tp) > from) {
                    remaining.put(tp, end.get(tp));
                }
            }
            Set<Long> found = new HashSet<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!remaining.isEmpty()) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Timed out reading the tail of " + Topics.MESSAGES);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Long id = r.value() == null ? null : byPayload.get(java.nio.ByteBuffer.wrap(r.value()));
                    if (id != null) {
                        found.add(id);
                    }
                }
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
            return found;
        }
    }
}

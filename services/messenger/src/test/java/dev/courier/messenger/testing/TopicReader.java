package dev.courier.messenger.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;

/** A real Kafka consumer of one topic from "now" on, for asserting what was published. */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Record> seen = new ArrayList<>();

    /** One event with its Kafka key and partition. */
    public record Record(String key, int partition, long offset, MessageEvent event) {
    }

    public TopicReader(String bootstrap, String topic) {
        this(bootstrap, topic, false);
    }

    /** @param fromBeginning read what the topic already holds too */
    public TopicReader(String bootstrap, String topic, boolean fromBeginning) {
        Properties p = new KafkaSettings(bootstrap, 1, (short) 1, java.util.Map.of())
                .consumer("messenger-test-" + UUID.randomUUID(), "messenger-test");
        consumer = new KafkaConsumer<>(p);
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        if (fromBeginning) {
            consumer.seekToBeginning(parts);
        } else {
            consumer.seekToEnd(parts);
        }
        parts.forEach(consumer::position);
    }

    /** Polls until {@code count} events match, or the timeout; returns the matching ones in arrival order. */
    public List<Record> await(Predicate<Record> match, int count, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (seen.stream().filter(match).count() >= count) {
                break;
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                seen.add(new Record(r.key(), r.partition(), r.offset(), Json.read(r.value(), MessageEvent.class)));
            }
        }
        return seen.stream().filter(match).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}

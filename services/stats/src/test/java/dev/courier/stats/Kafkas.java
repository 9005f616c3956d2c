package dev.courier.stats;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import dev.courier.infra.Endpoints;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;

/** Test helpers on the real Kafka and PostgreSQL: produce events, wait for a group to catch up. */
public final class Kafkas {

    private Kafkas() {
    }

    public static void produce(KafkaSettings kafka, List<MessageEvent> events) {
        try (var producer = new KafkaProducer<String, byte[]>(kafka.producer("stats-test"))) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (MessageEvent e : events) {
                sent.add(producer.send(new ProducerRecord<>(Topics.MESSAGES, Long.toString(e.conversationId()), Json.write(e))));
            }
            producer.flush();
            for (var f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Produces raw bytes (an unreadable event). */
    public static void produceRaw(KafkaSettings kafka, String key, byte[] value) {
        try (var producer = new KafkaProducer<String, byte[]>(kafka.producer("stats-test"))) {
            producer.send(new ProducerRecord<>(Topics.MESSAGES, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<Integer, Long> endOffsets(Admin admin, String topic) {
        try {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new HashMap<>();
            admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code group} has counted every record before {@code end} (its offsets in stats.consumer_offsets). */
    public static void awaitCounted(Endpoints infra, String dbUrl, String group, Map<Integer, Long> end, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Map<Integer, Long[]> at = positions(infra, dbUrl, group);
            boolean done = end.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || (at.containsKey(e.getKey()) && at.get(e.getKey())[0] >= e.getValue() && at.get(e.getKey())[1] >= e.getValue()));
            if (done) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Group " + group + " did not catch up with " + end + " in " + timeout);
            }
            sleep(200);
        }
    }

    /**
     * Stores {@code end} as where {@code group} is in stats' database at {@code dbUrl}, so its
     * consumer starts there instead of replaying the whole shared topic (which grows with every
     * test run of every service).
     */
    public static void startAt(Endpoints infra, String dbUrl, String group, Map<Integer, Long> end) {
        try (Connection c = DriverManager.getConnection(dbUrl, infra.dbUser(), infra.dbPassword());
             PreparedStatement ps = c.prepareStatement("""
                     INSERT INTO stats.consumer_offsets (group_id, topic, partition, next_offset, published_offset)
                     VALUES (?, ?, ?, ?, ?)""")) {
            for (var e : end.entrySet()) {
                ps.setString(1, group);
                ps.setString(2, Topics.MESSAGES);
                ps.setInt(3, e.getKey());
                ps.setLong(4, e.getValue());
                ps.setLong(5, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** partition -> {next_offset, published_offset} */
    public static Map<Integer, Long[]> positions(Endpoints infra, String dbUrl, String group) {
        try (Connection c = DriverManager.getConnection(dbUrl, infra.dbUser(), infra.dbPassword());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT partition, next_offset, published_offset FROM stats.consumer_offsets WHERE group_id = ? AND topic = ?")) {
            ps.setString(1, group);
            ps.setString(2, Topics.MESSAGES);
            Map<Integer, Long[]> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), new Long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

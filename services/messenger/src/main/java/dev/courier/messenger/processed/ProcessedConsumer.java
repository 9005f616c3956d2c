package dev.courier.messenger.processed;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

import dev.courier.messenger.messages.MessageStore;
import dev.courier.platform.db.Database;
import dev.courier.platform.events.MessageProcessedEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;

/**
 * Learns the stats service's "processed" marks from {@value Topics#MESSAGES_PROCESSED} (its own
 * consumer group) and records them on the messages. Marking is idempotent, and offsets are
 * committed only after the database commit, so a crash replays marks rather than losing them.
 */
public final class ProcessedConsumer implements AutoCloseable {

    public static final String GROUP = "courier-messenger-processed";
    private static final System.Logger LOG = System.getLogger(ProcessedConsumer.class.getName());

    private final Database db;
    private final MessageStore messages;
    private final KafkaSettings kafka;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile RuntimeException failure;
    private volatile long lastCycle = System.nanoTime();
    private Thread thread;

    public ProcessedConsumer(Database db, MessageStore messages, KafkaSettings kafka) {
        this.db = db;
        this.messages = messages;
        this.kafka = kafka;
    }

    public void start() {
        running = true;
        thread = Thread.ofVirtual().name("messenger-processed-consumer").start(this::supervise);
    }

    /**
     * Keeps a consumer running until closed: any failure (Kafka away while a rewind asks for the
     * committed offsets, a bug) closes the consumer and starts a fresh one after a backoff that
     * doubles up to 30 s, so the marks resume by themselves once the servers are back.
     */
    private void supervise() {
        long backoff = 1000;
        while (running) {
            try {
                consume();
                backoff = 1000;
            } catch (WakeupException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                failure = e;
                LOG.log(Level.WARNING, "Processed-mark consumer failed; restarting it in " + backoff + " ms: " + e);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    private void consume() {
        Properties p = kafka.consumer(GROUP, "courier-messenger-processed");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            consumer = c;
            if (!running) {
                return;
            }
            c.subscribe(List.of(Topics.MESSAGES_PROCESSED));
            while (running) {
                lastCycle = System.nanoTime();
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    db.inTransaction(conn -> {
                        for (ConsumerRecord<String, byte[]> r : records) {
                            MessageProcessedEvent e;
                            try {
                                e = Json.read(r.value(), MessageProcessedEvent.class);
                            } catch (IllegalArgumentException bad) {
                                // A malformed record is skipped (logged), never retried forever.
                                LOG.log(Level.WARNING, "Skipping a malformed processed mark at offset " + r.offset() + ": " + bad.getMessage());
                                continue;
                            }
                            messages.markProcessed(conn, e.messageId(), e.processedAt() == null ? Instant.now() : e.processedAt());
                        }
                        return null;
                    });
                    c.commitSync();
                    failure = null;
                } catch (RuntimeException e) {
                    if (e instanceof WakeupException) {
                        throw e;
                    }
                    // Not committed: rewind to the last committed offsets and try again shortly.
                    failure = e;
                    LOG.log(Level.WARNING, "Recording processed marks failed, will retry: " + e);
                    records.partitions().forEach(tp -> {
                        var committed = c.committed(java.util.Set.of(tp)).get(tp);
                        if (committed != null) {
                            c.seek(tp, committed.offset());
                        } else {
                            c.seekToBeginning(List.of(tp));
                        }
                    });
                    sleep(1000);
                }
            }
        } finally {
            consumer = null;
        }
    }

    /**
     * Liveness: DOWN when the consumer loop has not gone round for {@code stuckAfter} (a dead or
     * hung consumer, which only a restart of the replica would cure). A Kafka or database outage
     * keeps the loop going, so it does not restart replicas that are only waiting.
     */
    public HealthCheck check(Duration stuckAfter) {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.LIVENESS;
            }

            @Override
            public String name() {
                return "processed-consumer";
            }

            @Override
            public HealthCheckResponse call() {
                boolean cycling = System.nanoTime() - lastCycle < stuckAfter.toNanos() || failure != null;
                boolean up = running && thread != null && thread.isAlive() && cycling;
                HealthCheckResponse.Builder b = HealthCheckResponse.builder().status(up);
                RuntimeException f = failure;
                if (f != null) {
                    b.detail("failure", String.valueOf(f));
                }
                return b.build();
            }
        };
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

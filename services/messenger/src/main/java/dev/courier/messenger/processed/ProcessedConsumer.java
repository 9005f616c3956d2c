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
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public ProcessedConsumer(Database db, MessageStore messages, KafkaSettings kafka) {
        this.db = db;
        this.messages = messages;
        this.kafka = kafka;
    }

    public void start() {
        running = true;
        Properties p = kafka.consumer(GROUP, "courier-messenger-processed");
        // A replica that dies without leaving the group keeps its partitions until its session
        // times out; marks on them wait that long. 10 s (Kafka's default is 45 s) bounds the wait.
        p.putIfAbsent("session.timeout.ms", "10000");
        p.putIfAbsent("heartbeat.interval.ms", "3000");
        consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(Topics.MESSAGES_PROCESSED));
        thread = Thread.ofVirtual().name("messenger-processed-consumer").start(this::run);
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (WakeupException e) {
                    break;
                }
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    db.inTransaction(c -> {
                        for (ConsumerRecord<String, byte[]> r : records) {
                            MessageProcessedEvent e;
                            try {
                                e = Json.read(r.value(), MessageProcessedEvent.class);
                            } catch (IllegalArgumentException bad) {
                                // A malformed record is skipped (logged), never retried forever.
                                LOG.log(Level.WARNING, "Skipping a malformed processed mark at offset " + r.offset() + ": " + bad.getMessage());
                                continue;
                            }
                            messages.markProcessed(c, e.messageId(), e.processedAt() == null ? Instant.now() : e.processedAt());
                        }
                        return null;
                    });
                    consumer.commitSync();
                } catch (RuntimeException e) {
                    if (e instanceof WakeupException) {
                        break;
                    }
                    // Not committed: rewind to the last committed offsets and try again shortly.
                    LOG.log(Level.WARNING, "Recording processed marks failed, will retry: " + e);
                    records.partitions().forEach(tp -> {
                        var committed = consumer.committed(java.util.Set.of(tp)).get(tp);
                        if (committed != null) {
                            consumer.seek(tp, committed.offset());
                        } else {
                            consumer.seekToBeginning(List.of(tp));
                        }
                    });
                    sleep(1000);
                }
            }
        } catch (WakeupException ignored) {
            // Closing.
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
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
        if (consumer != null) {
            consumer.wakeup();
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

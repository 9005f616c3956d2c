package dev.courier.messenger.outbox;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.courier.platform.db.Database;
import dev.courier.platform.events.Topics;
import dev.courier.platform.kafka.KafkaSettings;

/**
 * Publishes outbox rows to {@value Topics#MESSAGES} in id order and marks them sent.
 *
 * <p>Each batch runs in one transaction that first takes a transaction-scoped advisory lock, so at
 * most one replica publishes at a time and rows are never published concurrently out of order.
 * Rows are sent in id order through an idempotent producer (ordering per key survives retries);
 * only the prefix whose sends were acknowledged is marked sent. When Kafka is away the batch
 * fails, the rows stay pending, and the relay retries with exponential backoff: nothing is lost
 * and a later row of a chat is never published before an earlier one.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OutboxRelay.class.getName());
    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('courier-messenger-outbox'))";
    private static final int BATCH = 200;

    private final Database db;
    private final OutboxStore store;
    private final KafkaSettings kafka;
    private final Duration poll;
    private final Duration maxBackoff;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicLong published = new AtomicLong();
    private volatile boolean running;
    private Thread thread;
    private Producer<String, byte[]> producer;

    public OutboxRelay(Database db, OutboxStore store, KafkaSettings kafka, Duration poll, Duration maxBackoff) {
        this.db = db;
        this.store = store;
        this.kafka = kafka;
        this.poll = poll;
        this.maxBackoff = maxBackoff;
    }

    public void start() {
        running = true;
        thread = Thread.ofVirtual().name("messenger-outbox-relay").start(this::run);
    }

    /** A row was committed: publish without waiting for the next poll. */
    public void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Rows published since start (for metrics and tests). */
    public long published() {
        return published.get();
    }

    private void run() {
        long backoff = 0;
        while (running) {
            Result r;
            try {
                r = publishBatch();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Outbox relay batch failed, will retry: " + e);
                r = new Result(0, false);
            }
            if (!running) {
                break;
            }
            if (!r.complete()) {
                backoff = backoff == 0 ? 200 : Math.min(maxBackoff.toMillis(), backoff * 2);
                resetProducer();
                // Not woken by new sends: while Kafka is away, retry on the backoff schedule only.
                sleep(backoff);
            } else {
                backoff = 0;
                if (r.published() < BATCH) {
                    pause(poll.toMillis());
                }
            }
        }
    }

    private Result publishBatch() {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(TRY_LOCK); ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return new Result(0, true);
                }
            }
            List<OutboxStore.Row> rows = store.pending(c, BATCH);
            if (rows.isEmpty()) {
                return new Result(0, true);
            }
            Producer<String, byte[]> p = producer();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            boolean failed = false;
            for (OutboxStore.Row row : rows) {
                try {
                    sends.add(p.send(new ProducerRecord<>(Topics.MESSAGES, Long.toString(row.conversationId()), row.payload())));
                } catch (RuntimeException e) {
                    // Rows after a refused one are not sent either, so a chat's order holds.
                    LOG.log(Level.WARNING, "Kafka refused outbox row " + row.id() + ": " + e);
                    failed = true;
                    break;
                }
            }
            p.flush();
            List<Long> sent = new ArrayList<>();
            for (int i = 0; i < sends.size(); i++) {
                try {
                    sends.get(i).get(1, TimeUnit.MINUTES);
                    sent.add(rows.get(i).id());
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    LOG.log(Level.WARNING, "Kafka did not acknowledge outbox row " + rows.get(i).id() + ": " + e);
                    failed = true;
                    break;
                }
            }
            if (!sent.isEmpty()) {
                store.markSent(c, sent);
                published.addAndGet(sent.size());
            }
            return new Result(sent.size(), !failed);
        });
    }

    private synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            Properties props = kafka.producer("courier-messenger-outbox");
            // Fail a batch within seconds when Kafka is away; the rows simply wait for the next try.
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "12000");
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    /** A fresh producer after a failure, so no half-failed sequence state carries over. */
    private synchronized void resetProducer() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(1));
            producer = null;
        }
    }

    private void pause(long millis) {
        try {
            if (wake.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void sleep(long millis) {
        long until = System.currentTimeMillis() + millis;
        while (running && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    /** Stops after the batch in flight; rows not yet published wait in the table for any replica. */
    @Override
    public void close() {
        running = false;
        wake();
        if (thread != null) {
            try {
                thread.join(20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        resetProducer();
    }

    private record Result(int published, boolean complete) {
    }
}

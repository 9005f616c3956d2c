package dev.courier.messenger.outbox;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.courier.platform.db.Database;
import dev.courier.platform.events.Topics;
import dev.courier.platform.kafka.KafkaSettings;

/**
 * Publishes outbox rows to {@value Topics#MESSAGES} in id order and deletes them, or, when a
 * retention is configured, marks them sent and deletes them once older than that.
 *
 * <p>Each batch runs in one transaction that first takes a transaction-scoped advisory lock, so at
 * most one replica publishes at a time and rows are never published concurrently out of order.
 * Under that lock a relay takes or renews the publishing role (a lease in {@code outbox_publisher}): the
 * role stays with one replica while it keeps publishing, and all holders use one Kafka
 * transactional id per database. A replica that takes the role over starts a fresh producer under
 * that id, which fences the previous holder's: a holder that died in the middle of a Kafka
 * transaction has it aborted then (read_committed consumers of its partitions wait for the lease
 * to run out, not for the broker's transaction timeout), and one that was only paused can no longer
 * commit rows the next holder publishes again.
 * Rows are sent in id order through an idempotent, transactional producer (ordering per key
 * survives retries; a batch is visible to read_committed consumers entirely or not at all), and
 * marked sent only after the Kafka transaction committed. Rows are flagged as attempted (in a
 * statement committed on its own, one row for the batch) before publishing; a later relay that finds attempted rows
 * pending first checks the topic's tail for their event ids, so a relay killed between the Kafka
 * commit and the database commit does not cause a duplicate. When Kafka is away the batch
 * fails, the rows stay pending, and the relay retries with exponential backoff: nothing is lost
 * and a later row of a chat is never published before an earlier one.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OutboxRelay.class.getName());
    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('courier-messenger-outbox'))";
    private static final int BATCH = 200;
    private static final long PRUNE_EVERY_MILLIS = 1_000;
    private static final int PRUNE_ROUND = 5_000;

    private final Database db;
    private final OutboxStore store;
    private final Reconciler reconciler;
    private final KafkaSettings kafka;
    private final Duration poll;
    private final Duration maxBackoff;
    private final Duration keepSent;
    private final Duration linger;
    private final Duration lease;
    /** Who this relay is in {@code outbox_publisher.holder}: the pod (host) name and a random suffix. */
    private final String holder;
    private String transactionalId;
    private long lastPrune;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicLong published = new AtomicLong();
    private volatile boolean running;
    private Thread thread;
    private Producer<String, byte[]> producer;

    public OutboxRelay(Database db, OutboxStore store, KafkaSettings kafka, RelaySettings settings) {
        this.db = db;
        this.store = store;
        this.kafka = kafka;
        this.reconciler = new Reconciler(kafka);
        this.poll = settings.poll();
        this.maxBackoff = settings.maxBackoff();
        this.keepSent = settings.keepSent();
        this.linger = settings.linger();
        this.lease = settings.lease();
        String host = System.getenv().getOrDefault("HOSTNAME", "messenger");
        this.holder = host + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The Kafka transactional id of every publisher of the database whose publisher id this is. */
    static String transactionalId(String publisherId) {
        return "courier-messenger-outbox-" + publisherId;
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
        // After a failure, probe with one row at a time until Kafka acknowledges again: a batch sent
        // into a recovering cluster could see an early row time out while later rows get through.
        boolean degraded = false;
        while (running) {
            pruneNowAndThen();
            Result r;
            int asked = degraded ? 1 : BATCH;
            try {
                r = publishBatch(asked);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Outbox relay batch failed, will retry: " + e);
                r = new Result(0, false);
            }
            if (!running) {
                break;
            }
            if (!r.complete()) {
                degraded = true;
                backoff = backoff == 0 ? 200 : Math.min(maxBackoff.toMillis(), backoff * 2);
                resetProducer();
                // Not woken by new sends: while Kafka is away, retry on the backoff schedule only.
                sleep(backoff);
            } else {
                backoff = 0;
                if (r.published() > 0) {
                    degraded = false;
                }
                if (r.published() < asked) {
                    pause(poll.toMillis());
                    // Woken by a commit: give the rest of a burst a moment to commit too, so one
                    // Kafka transaction (several broker round trips and a marker per partition)
                    // carries them all instead of one transaction per send.
                    sleep(linger.toMillis());
                }
            }
        }
    }

    /**
     * Every second, deletes up to {@value #PRUNE_ROUND} rows published more than {@code keepSent}
     * ago: small steady deletes keep pace with up to that many sends a second, and a backlog goes
     * over many passes. (Rounds of 50,000 every 10 s showed as latency spikes of every send and
     * delivery on the same database.) Without pruning the table grows forever.
     */
    private void pruneNowAndThen() {
        if (!keeps()) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now - lastPrune < PRUNE_EVERY_MILLIS) {
            return;
        }
        lastPrune = now;
        try {
            db.withConnection(c -> store.prune(c, keepSent.toSeconds(), PRUNE_ROUND));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Pruning published outbox rows failed, will retry: " + e);
        }
    }

    /** Whether published rows stay for a while (marked sent) rather than being deleted when published. */
    private boolean keeps() {
        return !keepSent.isZero();
    }

    private Result publishBatch(int limit) {
        return db.inTransaction(c -> {
            // A relay stuck while holding the lock (a hung process, a Kafka commit that never
            // returns) would stall every replica's publishing: PostgreSQL ends its session after
            // a minute of idling in this transaction, the lock goes to another replica, and the
            // rows it had attempted are reconciled against the topic before being sent again.
            try (var st = c.createStatement()) {
                st.execute("SET LOCAL idle_in_transaction_session_timeout = '60s'");
            }
            try (PreparedStatement ps = c.prepareStatement(TRY_LOCK); ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return new Result(0, true);
                }
            }
            Optional<OutboxStore.Role> role = store.takeRole(c, holder, lease);
            if (role.isEmpty()) {
                // Another replica publishes; a producer of ours is (or will be) fenced by the holder's.
                resetProducer();
                return new Result(0, true);
            }
            if (role.get().taken()) {
                LOG.log(Level.INFO, "Outbox relay " + holder + " took the publishing role");
                transactionalId = transactionalId(role.get().publisherId());
                // Started afresh under the shared id, before anything else: that fences the previous
                // holder's producer and ends its open transaction, so the topic's tail is settled
                // before the attempted rows are looked for on it.
                resetProducer();
                producer();
            }
            List<OutboxStore.Row> rows = store.pending(c, limit);
            if (rows.isEmpty()) {
                return new Result(0, true);
            }
            if (rows.stream().anyMatch(OutboxStore.Row::attempted)) {
                // An earlier attempt may have committed on Kafka without its rows being marked.
                Set<Long> there = reconciler.published(rows.stream().filter(OutboxStore.Row::attempted).toList());
                if (!there.isEmpty()) {
                    List<Long> done = List.copyOf(there);
                    LOG.log(Level.INFO, "Outbox rows already on Kafka, marked sent without republishing: " + done);
                    store.markSent(c, done, keeps());
                    rows = rows.stream().filter(r -> !done.contains(r.id())).toList();
                    if (rows.isEmpty()) {
                        return new Result(done.size(), true);
                    }
                }
            }
            List<Long> ids = rows.stream().map(OutboxStore.Row::id).toList();
            // Committed on its own before publishing, so it survives this transaction dying.
            db.withConnection(other -> {
                store.markAttempted(other, ids);
                return null;
            });
            Producer<String, byte[]> p = producer();
            // One Kafka transaction per batch: read_committed consumers see the whole batch or
            // none of it, so a failed attempt leaves no partial or duplicate records behind.
            try {
                p.beginTransaction();
                for (OutboxStore.Row row : rows) {
                    p.send(new ProducerRecord<>(Topics.MESSAGES, Long.toString(row.conversationId()), row.payload()));
                }
                commit(p);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Kafka did not take " + rows.size() + " outbox rows from " + rows.get(0).id() + ": " + e);
                abort(p);
                return new Result(0, false);
            }
            store.markSent(c, ids, keeps());
            published.addAndGet(ids.size());
            return new Result(ids.size(), true);
        });
    }

    /**
     * A commit that timed out may still complete on the broker, so it is retried (Kafka allows
     * that) rather than aborted: re-sending its rows could publish them twice.
     */
    private void commit(Producer<String, byte[]> p) {
        while (true) {
            try {
                p.commitTransaction();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (!running) {
                    throw e;
                }
                LOG.log(Level.WARNING, "Kafka transaction commit not confirmed yet, retrying: " + e.getMessage());
                sleep(500);
            }
        }
    }

    private void abort(Producer<String, byte[]> p) {
        try {
            p.abortTransaction();
        } catch (RuntimeException e) {
            // A timed-out or fenced producer cannot abort; the next attempt starts a fresh one.
            LOG.log(Level.DEBUG, "Abort failed: " + e);
        }
    }

    private synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            Properties props = kafka.producer("courier-messenger-outbox");
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            // The broker aborts a transaction left open this long; a dead holder's is aborted
            // sooner, when the next holder's producer starts under the same id.
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
            // Fail a batch within seconds when Kafka is away; the rows simply wait for the next try.
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "12000");
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
            KafkaProducer<String, byte[]> fresh = new KafkaProducer<>(props);
            try {
                fresh.initTransactions();
            } catch (RuntimeException e) {
                fresh.close(Duration.ofSeconds(1));
                throw e;
            }
            producer = fresh;
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

    /**
     * Stops after the batch in flight and hands the publishing role back, so another replica takes
     * it at its next poll; rows not yet published wait in the table for it.
     */
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
        try {
            db.withConnection(c -> {
                store.releaseRole(c, holder);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Could not hand the publishing role back; it passes on when its lease runs out: " + e);
        }
        resetProducer();
    }

    private record Result(int published, boolean complete) {
    }
}

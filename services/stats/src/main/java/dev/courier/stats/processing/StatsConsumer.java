package dev.courier.stats.processing;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import dev.courier.platform.db.DataAccessException;
import dev.courier.platform.db.Database;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.MessageProcessedEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;

/**
 * Counts {@code courier.messages.v1} exactly once. Each poll batch is one database transaction
 * holding the new {@code processed_messages} rows, the counter increments and the group's next
 * offsets; on partition assignment the consumer seeks to the offsets stored there (Kafka's committed
 * offsets are only a convenience for tooling). A crash before the commit loses the whole batch, which
 * is read again; after it, nothing in the batch is counted again. Message ids are a second guard: a
 * message recorded once (by any group, or under another event id) is never counted twice.
 *
 * <p>After the commit the batch's {@code courier.messages.processed.v1} events are published and
 * acknowledged, then {@code published_offset} moves. A consumer that resumes below it republishes
 * without counting: that topic is at-least-once and messenger dedupes by message id.
 *
 * <p>Edited and deleted messages never change counts: only {@code message.created} is counted.
 */
public final class StatsConsumer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(StatsConsumer.class.getName());

    private final String topic;
    private final String processedTopic;
    private final ProcessedStore store;
    private final KafkaSettings kafka;
    private final String group;
    private final int maxPoll;
    private final Hooks hooks;
    private final Clock clock;
    private final StatsMetrics metrics;
    private final Thread thread;
    private final AtomicLong lag = new AtomicLong(-1);
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Instant lastPoll;
    private volatile Instant lastProgress;
    private volatile Throwable failure;
    /** When the consumer began failing without making progress since (null: it is not failing). */
    private volatile Instant failingSince;
    private volatile boolean stopped;

    /**
     * Points where a test can make the consumer die as a killed process would, between the steps of
     * a batch. Production uses {@link #NONE}.
     */
    public interface Hooks {
        /** Inside the transaction, after the rows were written and before counters and offsets. */
        default void rowsWritten(List<RecordedMessage> batch) {
        }

        /** After the transaction committed (with the batch's messages), before the processed events are published. */
        default void committed(List<RecordedMessage> batch) {
        }
    }

    public static final Hooks NONE = new Hooks() {
    };

    public StatsConsumer(Database db, KafkaSettings kafka, String group, int maxPoll, Hooks hooks, Clock clock) {
        this(db, kafka, Topics.MESSAGES, Topics.MESSAGES_PROCESSED, group, maxPoll, hooks, clock);
    }

    /**
     * A consumer of other topics with the same contracts (the benchmark's, or a test replay whose
     * marks must not reach messenger).
     */
    public StatsConsumer(Database db, KafkaSettings kafka, String topic, String processedTopic, String group, int maxPoll,
                         Hooks hooks, Clock clock) {
        this.topic = topic;
        this.processedTopic = processedTopic;
        this.store = new ProcessedStore(db);
        this.kafka = kafka;
        this.group = group;
        this.maxPoll = maxPoll;
        this.hooks = hooks;
        this.clock = clock;
        this.metrics = StatsMetrics.register(this);
        this.lastPoll = clock.instant();
        this.lastProgress = clock.instant();
        this.thread = Thread.ofPlatform().name("stats-consumer-" + group).daemon().unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    public String group() {
        return group;
    }

    /** Records behind the end of the assigned partitions at the last poll; -1 before the first. */
    public long lag() {
        return lag.get();
    }

    /** Why the consumer stopped, if it died. */
    public Throwable failure() {
        return failure;
    }

    public boolean alive() {
        return thread.isAlive();
    }

    /**
     * Whether the consumer is stuck: dead, or not polling, or behind without progress for longer
     * than {@code limit}.
     */
    public boolean stuck(Duration limit) {
        Instant now = clock.instant();
        if (stopped || !thread.isAlive()) {
            return true;
        }
        if (Duration.between(lastPoll, now).compareTo(limit) > 0) {
            return true;
        }
        // Restarted by its supervisor but failing again on the same records: alive, and going nowhere.
        Instant failing = failingSince;
        if (failing != null && Duration.between(failing, now).compareTo(limit) > 0) {
            return true;
        }
        return lag.get() > 0 && Duration.between(lastProgress, now).compareTo(limit) > 0;
    }

    /**
     * Supervises the consumer: whatever ends it other than {@link #close()} (a bug, an error the
     * loop does not expect) is logged and a fresh consumer starts after a backoff that doubles up
     * to 30 s; readiness shows it as stuck meanwhile. Counting stays exact across restarts: the
     * offsets are stored with the counts.
     */
    private void run() {
        long backoff = 1000;
        try {
            while (running) {
                consume();
                if (!running) {
                    return;
                }
                LOG.log(Level.WARNING, "Stats consumer " + group + " restarts in " + backoff + " ms");
                sleep(Duration.ofMillis(backoff));
                backoff = Math.min(backoff * 2, 30_000);
            }
        } finally {
            stopped = true;
        }
    }

    private void consume() {
        var props = kafka.consumer(group, "courier-stats-" + group);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPoll));
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props);
             Producer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("courier-stats-processed"))) {
            consumer = c;
            c.subscribe(List.of(topic), new Rebalance(c));
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(Duration.ofMillis(500));
                } catch (KafkaException e) {
                    if (!(e.getCause() instanceof DataAccessException)) {
                        throw e;
                    }
                    // The rebalance listener could not read the stored offsets. Counting stays
                    // exact without that seek (each batch re-checks them under a row lock).
                    LOG.log(Level.WARNING, "Reading stored offsets failed, continuing: " + e.getCause());
                    sleep(Duration.ofSeconds(1));
                    continue;
                }
                lastPoll = clock.instant();
                if (!records.isEmpty()) {
                    handleWithRetry(c, producer, records);
                }
                updateLag(c);
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (VirtualMachineError e) {
            // The JVM itself is failing (out of memory): stop, and let readiness and a restart of the replica deal with it.
            failure = e;
            LOG.log(Level.ERROR, "Stats consumer " + group + " died", e);
            running = false;
        } catch (RuntimeException | Error e) {
            // Including errors of libraries: pgjdbc throws an AssertionError when PostgreSQL cuts a batch's connection.
            failure = e;
            if (failingSince == null) {
                failingSince = clock.instant();
            }
            LOG.log(Level.ERROR, "Stats consumer " + group + " failed", e);
        }
    }

    private void handleWithRetry(KafkaConsumer<String, byte[]> c, Producer<String, byte[]> producer,
                                 ConsumerRecords<String, byte[]> records) {
        try {
            handle(c, producer, records);
        } catch (DataAccessException | KafkaException e) {
            if (e instanceof WakeupException w) {
                throw w;
            }
            // Nothing of the batch was counted (the transaction rolled back) or only its marks are
            // missing: read it again from its first offsets after a pause.
            metrics.retried();
            LOG.log(Level.WARNING, "Stats batch failed, retrying: " + e);
            for (TopicPartition tp : records.partitions()) {
                c.seek(tp, records.records(tp).get(0).offset());
            }
            sleep(Duration.ofSeconds(1));
        }
    }

    private void handle(KafkaConsumer<String, byte[]> c, Producer<String, byte[]> producer,
                        ConsumerRecords<String, byte[]> records) {
        Map<Integer, Long> next = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            all.add(r);
            next.merge(r.partition(), r.offset() + 1, Math::max);
        }
        // Messenger publishes in Kafka transactions: a commit marker takes an offset after the last
        // record. The consumer's position has moved past it, so store that; otherwise the stored
        // offset stays one short of the end forever and the group looks behind.
        for (TopicPartition tp : records.partitions()) {
            next.merge(tp.partition(), c.position(tp), Math::max);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Outcome outcome = store.inTransaction(tx -> {
            Map<Integer, ProcessedStore.Position> at = store.lock(tx, group, topic, next.keySet());
            Map<Long, RecordedMessage> fresh = new LinkedHashMap<>();
            List<Long> republish = new ArrayList<>();
            int ignored = 0;
            int skipped = 0;
            for (ConsumerRecord<String, byte[]> r : all) {
                MessageEvent event = parse(r);
                Optional<RecordedMessage> recorded = event != null && MessageEvent.CREATED.equals(event.type())
                        ? RecordedMessage.of(event) : Optional.empty();
                boolean counted = r.offset() < at.get(r.partition()).next();
                if (counted) {
                    recorded.ifPresent(m -> republish.add(m.messageId()));
                } else if (event == null || (MessageEvent.CREATED.equals(event.type()) && recorded.isEmpty())) {
                    skipped++;
                } else if (recorded.isEmpty()) {
                    ignored++;
                } else {
                    fresh.putIfAbsent(recorded.get().messageId(), recorded.get());
                }
            }
            List<RecordedMessage> candidates = List.copyOf(fresh.values());
            Set<Long> inserted = store.insert(tx, candidates, now);
            hooks.rowsWritten(candidates);
            Tally tally = new Tally();
            List<RecordedMessage> counted = new ArrayList<>();
            for (RecordedMessage m : candidates) {
                if (inserted.contains(m.messageId())) {
                    tally.add(m);
                    counted.add(m);
                }
            }
            store.receipts(tx, counted);
            store.add(tx, tally);
            store.advance(tx, group, topic, next);
            return new Outcome(candidates, counted, candidates.size() - counted.size(), skipped, ignored,
                    store.find(tx, republish).values());
        });
        hooks.committed(outcome.batch());
        lastProgress = clock.instant();
        failingSince = null;
        metrics.batch(outcome.counted().size(), outcome.duplicates(), outcome.skipped(), outcome.ignored());

        List<Future<?>> sends = new ArrayList<>();
        for (RecordedMessage m : outcome.counted()) {
            sends.add(send(producer, m.messageId(), m.conversationId(), now));
        }
        for (ProcessedStore.ProcessedRow row : outcome.republish()) {
            sends.add(send(producer, row.messageId(), row.conversationId(), row.processedAt()));
        }
        producer.flush();
        for (Future<?> f : sends) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("Interrupted while publishing processed events", e);
            } catch (ExecutionException e) {
                throw new KafkaException("Publishing processed events failed", e.getCause());
            }
        }
        metrics.published(sends.size());
        store.published(group, topic, next);
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        next.forEach((p, o) -> commit.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
        c.commitAsync(commit, null);
    }

    private Future<?> send(Producer<String, byte[]> producer, long messageId, long conversationId, Instant at) {
        var event = new MessageProcessedEvent(MessageProcessedEvent.SCHEMA_VERSION, "processed-" + messageId,
                messageId, conversationId, at);
        return producer.send(new ProducerRecord<>(processedTopic, Long.toString(conversationId), Json.write(event)));
    }

    private MessageEvent parse(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(r.value(), MessageEvent.class);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Skipping unreadable event at " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
            return null;
        }
    }

    private void updateLag(KafkaConsumer<String, byte[]> c) {
        long total = 0;
        boolean known = false;
        for (TopicPartition tp : c.assignment()) {
            var l = c.currentLag(tp);
            if (l.isPresent()) {
                total += l.getAsLong();
                known = true;
            }
        }
        if (known) {
            lag.set(total);
            if (total == 0) {
                lastProgress = clock.instant();
                failingSince = null;
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops polling, finishing the batch in hand; offsets are already durable. */
    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.unregister(this);
    }

    /** Seeks to where the database says the group is; Kafka's own committed offsets are not trusted. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> c;

        Rebalance(KafkaConsumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<Integer, ProcessedStore.Position> stored = store.positions(group, topic);
            List<TopicPartition> fromStart = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                ProcessedStore.Position p = stored.get(tp.partition());
                if (p == null) {
                    fromStart.add(tp);
                } else {
                    c.seek(tp, p.published());
                }
            }
            if (!fromStart.isEmpty()) {
                c.seekToBeginning(fromStart);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Batches are handled inside poll's caller, so nothing is in flight here; the database
            // already holds where each partition is.
        }
    }

    private record Outcome(List<RecordedMessage> batch, List<RecordedMessage> counted, int duplicates, int skipped, int ignored,
                           Collection<ProcessedStore.ProcessedRow> republish) {
    }
}

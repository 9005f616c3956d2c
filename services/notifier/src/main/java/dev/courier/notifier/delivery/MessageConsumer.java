package dev.courier.notifier.delivery;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;

/**
 * Reads {@code courier.messages.v1} as the notifier's own group. Each event is claimed by id in
 * the database (so a redelivery never notifies twice), then dispatched on a virtual thread, because
 * one slow push service must not hold up every other chat; retries wait without a thread. The offset is
 * committed after the claim: a notifier that crashes mid-delivery loses those notifications rather
 * than sending them twice, which is the better failure for a notification.
 *
 * <p>An event is claimed only when it can be dispatched: while Redis (presence) does not answer,
 * the consumer waits with the event unclaimed in Kafka. Recipients whose notification fails after
 * the claim are retried with backoff ({@link Retry}) and, after the last try, dead-lettered on
 * {@code courier.notifications.dlq.v1}: never dropped silently.
 */
public final class MessageConsumer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MessageConsumer.class.getName());

    /**
     * @param attempts tries per recipient before the dead letter
     * @param backoff  wait before the second try, doubled for each further one up to {@code maxDelay}
     */
    public record Retry(int attempts, Duration backoff, Duration maxDelay) {
    }

    private final Properties props;
    private final Retry retry;
    private final String topic;
    private final ProcessedEvents processed;
    private final Dispatcher dispatcher;
    private final ExecutorService workers;
    private final Semaphore permits;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final AtomicLong lag = new AtomicLong();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /**
     * @param topic       {@code courier.messages.v1} (another name only to isolate tests on a shared Kafka)
     * @param workers     runs dispatches (a virtual-thread executor, shared with push retries)
     * @param concurrency events dispatched at once; beyond it the consumer stops polling, so a flood
     *                    of events waits in Kafka instead of exhausting the database pool
     */
    public MessageConsumer(Properties props, String topic, ProcessedEvents processed, Dispatcher dispatcher, ExecutorService workers,
                           int concurrency, Retry retry) {
        this.props = props;
        this.retry = retry;
        this.topic = topic;
        this.workers = workers;
        this.permits = new Semaphore(concurrency);
        this.processed = processed;
        this.dispatcher = dispatcher;
    }

    public void start() {
        NotifierMetrics.register(this);
        thread = Thread.ofPlatform().name("notifier-consumer").start(this::run);
    }

    /** Waits until partitions are assigned and positioned; tests wait for it before producing. */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Keeps consuming until closed; a failure (database down, group kicked us out) restarts the consumer. */
    private void run() {
        while (running) {
            try {
                consume();
            } catch (WakeupException e) {
                if (running) {
                    LOG.log(Level.ERROR, "Consumer woken up unexpectedly", e);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Notification consumer failed; restarting it in a second", e);
                pause(1000);
            }
        }
    }

    private void consume() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            consumer = c;
            if (!running) {
                return;
            }
            c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // Resolve positions now, so "latest" means latest at assignment, not at first fetch.
                    partitions.forEach(c::position);
                    assigned.countDown();
                }
            });
            while (running) {
                var records = c.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> r : records) {
                    handleUntilDone(r);
                }
                if (!records.isEmpty()) {
                    c.commitSync();
                }
                measureLag(c);
            }
        } finally {
            consumer = null;
        }
    }

    /** Records behind the end of the assigned partitions, after this poll's records were handled. */
    public long lag() {
        return lag.get();
    }

    private void measureLag(KafkaConsumer<String, byte[]> c) {
        long total = 0;
        for (TopicPartition tp : c.assignment()) {
            total += c.currentLag(tp).orElse(0);
        }
        lag.set(total);
    }

    /** A record is skipped only when unreadable; a database hiccup retries it rather than losing it. */
    private void handleUntilDone(ConsumerRecord<String, byte[]> r) {
        while (running) {
            try {
                handle(r);
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Cannot claim event at {0}-{1}@{2}, retrying: {3}", r.topic(), r.partition(), r.offset(), e.toString());
                pause(1000);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        MessageEvent event;
        try {
            event = Json.MAPPER.readerFor(MessageEvent.class)
                    .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(r.value());
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Skipping unreadable event at {0}-{1}@{2}: {3}", r.topic(), r.partition(), r.offset(), e.toString());
            return;
        }
        if (event.eventId() == null || Dispatcher.recipients(event).isEmpty()) {
            return;
        }
        // Throws while Redis is away: the event stays unclaimed and handleUntilDone tries again.
        dispatcher.ready();
        if (!processed.claim(event.eventId())) {
            return;
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        workers.submit(() -> {
            try {
                dispatchUntilDone(event);
            } finally {
                permits.release();
            }
        });
    }

    /** Retries the recipients that failed, with backoff; dead-letters those still failing after the last try. */
    private void dispatchUntilDone(MessageEvent event) {
        Set<Long> pending = Dispatcher.recipients(event);
        long backoff = retry.backoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            String reason;
            try {
                pending = dispatcher.dispatch(event, pending);
                reason = "could not be notified (Redis or the database failed)";
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Cannot dispatch event " + event.eventId() + " (try " + attempt + "): " + e);
                reason = "dispatch failed: " + e;
            }
            if (pending.isEmpty()) {
                return;
            }
            if (attempt >= retry.attempts() || !running) {
                for (long userId : pending) {
                    dispatcher.giveUp(event, userId, attempt, reason);
                }
                return;
            }
            pause(backoff);
            backoff = Math.min(backoff * 2, retry.maxDelay().toMillis());
        }
    }

    @Override
    public void close() {
        running = false;
        NotifierMetrics.unregister(this);
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
        workers.shutdown();
        try {
            // In-flight deliveries finish (or give up their waits) before the connections close.
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

package dev.courier.stats.processing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;

/**
 * The consumer's Prometheus metrics (served at {@code /metrics}): counted messages, duplicates,
 * skipped and ignored events, published marks, retried batches, and the lag in records.
 * Meters are process-wide; the lag gauge sums the consumers alive in this process.
 */
final class StatsMetrics {

    private static final Set<StatsConsumer> CONSUMERS = ConcurrentHashMap.newKeySet();
    private static volatile StatsMetrics instance;

    private final Counter processed;
    private final Counter duplicates;
    private final Counter skipped;
    private final Counter ignored;
    private final Counter published;
    private final Counter retries;

    private StatsMetrics(MeterRegistry registry) {
        processed = registry.getOrCreate(Counter.builder("courier.stats.messages.processed")
                .description("Messages counted (each message once)"));
        duplicates = registry.getOrCreate(Counter.builder("courier.stats.messages.duplicates")
                .description("message.created events for messages already recorded"));
        skipped = registry.getOrCreate(Counter.builder("courier.stats.events.skipped")
                .description("Unreadable or incomplete events, skipped"));
        ignored = registry.getOrCreate(Counter.builder("courier.stats.events.ignored")
                .description("Edited and deleted events, which do not change counts"));
        published = registry.getOrCreate(Counter.builder("courier.stats.processed.published")
                .description("Processed events published"));
        retries = registry.getOrCreate(Counter.builder("courier.stats.batches.retried")
                .description("Batches read again after a database or Kafka failure"));
        registry.getOrCreate(Gauge.builder("courier.stats.consumer.lag", StatsMetrics::totalLag)
                .description("Records of courier.messages.v1 not yet counted by this process's consumers"));
    }

    static StatsMetrics register(StatsConsumer consumer) {
        CONSUMERS.add(consumer);
        StatsMetrics m = instance;
        if (m == null) {
            synchronized (StatsMetrics.class) {
                if (instance == null) {
                    instance = new StatsMetrics(Metrics.globalRegistry());
                }
                m = instance;
            }
        }
        return m;
    }

    void unregister(StatsConsumer consumer) {
        CONSUMERS.remove(consumer);
    }

    private static Long totalLag() {
        long sum = 0;
        for (StatsConsumer c : CONSUMERS) {
            sum += Math.max(0, c.lag());
        }
        return sum;
    }

    void batch(int counted, int dup, int skip, int ignore) {
        processed.increment(counted);
        duplicates.increment(dup);
        skipped.increment(skip);
        ignored.increment(ignore);
    }

    void published(int n) {
        published.increment(n);
    }

    void retried() {
        retries.increment();
    }
}

package dev.courier.notifier.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * The notifier's operator metrics in Prometheus naming: {@code courier_notifier_consumer_lag}
 * (records of {@code courier.messages.v1} not yet handled by this process's consumers, summed over
 * their partitions), and every Web Push attempt by outcome as a histogram of how long the push
 * service took ({@code courier_notifier_push_duration_seconds}, which a dashboard can aggregate
 * across pods, unlike the older {@code notifier_delivery_latency} summary) and a counter
 * ({@code courier_notifier_push_attempts_total}). Outcomes are those of {@link DeliveryLog#record};
 * each series exists from the start at 0, so the failure ratio is defined before the first push.
 */
final class NotifierMetrics {

    static final List<String> OUTCOMES = List.of("delivered", "gone", "retry", "failed", "rejected");

    private static final Duration[] BUCKETS = {Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
    private static final Set<MessageConsumer> CONSUMERS = ConcurrentHashMap.newKeySet();
    private static final Map<String, Timer> DURATIONS = new HashMap<>();
    private static final Map<String, Counter> ATTEMPTS = new HashMap<>();

    static {
        var registry = Metrics.globalRegistry();
        for (String outcome : OUTCOMES) {
            List<Tag> tags = List.of(Tag.create("outcome", outcome));
            DURATIONS.put(outcome, registry.getOrCreate(Timer.builder("courier.notifier.push.duration")
                    .description("Time a push service took to answer one Web Push attempt, by outcome")
                    .tags(tags).buckets(BUCKETS)));
            ATTEMPTS.put(outcome, registry.getOrCreate(Counter.builder("courier.notifier.push.attempts")
                    .description("Web Push attempts by outcome").tags(tags)));
        }
        registry.getOrCreate(Gauge.builder("courier.notifier.consumer.lag", NotifierMetrics::totalLag)
                .description("Records of courier.messages.v1 not yet handled by this process's consumers"));
    }

    private NotifierMetrics() {
    }

    static void register(MessageConsumer consumer) {
        CONSUMERS.add(consumer);
    }

    static void unregister(MessageConsumer consumer) {
        CONSUMERS.remove(consumer);
    }

    static void push(String outcome, long latencyMillis) {
        Timer t = DURATIONS.get(outcome);
        if (t != null) {
            t.record(latencyMillis, TimeUnit.MILLISECONDS);
            ATTEMPTS.get(outcome).increment();
        }
    }

    private static Long totalLag() {
        long sum = 0;
        for (MessageConsumer c : CONSUMERS) {
            sum += Math.max(0, c.lag());
        }
        return sum;
    }
}

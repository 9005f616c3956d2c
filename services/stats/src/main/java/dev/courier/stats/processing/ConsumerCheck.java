package dev.courier.stats.processing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Readiness of stats' Kafka side: this pod's consumer is not stuck (dead, not polling, or behind
 * without progress for longer than {@code courier.stats.stuck} seconds); whether the brokers answer
 * is reported as a detail.
 * It keeps the name "kafka" so every service reports the same three checks.
 */
public final class ConsumerCheck implements HealthCheck {

    private final Admin admin;
    private final StatsConsumer consumer;
    private final Duration stuckAfter;

    public ConsumerCheck(Admin admin, StatsConsumer consumer, Duration stuckAfter) {
        this.admin = admin;
        this.consumer = consumer;
        this.stuckAfter = stuckAfter;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponse.Builder b = HealthCheckResponse.builder();
        boolean brokers;
        try {
            brokers = !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            brokers = false;
            b.detail("error", String.valueOf(e.getMessage()));
        }
        // Unreachable brokers are every pod's problem, not this one's: a detail, never NotReady.
        boolean up = true;
        b.detail("brokers", brokers ? "reachable" : "unreachable");
        if (consumer != null) {
            boolean stuck = consumer.stuck(stuckAfter);
            b.detail("consumer", stuck ? (consumer.alive() ? "stuck" : "stopped") : "ok");
            b.detail("group", consumer.group());
            b.detail("lag", consumer.lag());
            if (consumer.failure() != null) {
                b.detail("failure", String.valueOf(consumer.failure()));
            }
            up &= !stuck;
        }
        return b.status(up).build();
    }
}

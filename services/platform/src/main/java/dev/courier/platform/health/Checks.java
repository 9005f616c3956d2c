package dev.courier.platform.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import redis.clients.jedis.JedisPooled;

/**
 * Readiness checks. Readiness says whether this pod can do its main job, so it gates only on what
 * the pod cannot work without (PostgreSQL: every service's requests read or write it). Redis and
 * Kafka are reported as details ({@code "required": false}) but never turn a pod NotReady: a Kafka
 * outage is absorbed by the outbox, and a shared dependency's outage taking every pod out of the
 * Service only turns useful answers (history, sends) into 503s for the whole API. Every probe
 * answers within {@link #TIMEOUT}, so a hung dependency cannot time the probe out.
 */
public final class Checks {

    /** How long a probe may take before it counts as down. */
    public static final Duration TIMEOUT = Duration.ofSeconds(1);

    private Checks() {
    }

    public static HealthCheck database(dev.courier.platform.db.Database db) {
        return readiness("postgresql", db::ping);
    }

    public static HealthCheck redis(JedisPooled jedis) {
        return informational("redis", () -> "PONG".equals(jedis.ping()));
    }

    public static HealthCheck kafka(Admin admin) {
        return informational("kafka", () -> !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                .nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty());
    }

    /** A readiness check that is DOWN when the probe returns false, throws or does not answer in time. */
    public static HealthCheck readiness(String name, Probe probe) {
        return check(name, probe, true);
    }

    /** Reported with the readiness checks (reachable or not, and why) but always UP. */
    public static HealthCheck informational(String name, Probe probe) {
        return check(name, probe, false);
    }

    private static HealthCheck check(String name, Probe probe, boolean required) {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthCheckResponse call() {
                HealthCheckResponse.Builder b = HealthCheckResponse.builder();
                boolean up;
                try {
                    up = timed(probe);
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    up = false;
                    b.detail("error", e instanceof TimeoutException ? "no answer within " + TIMEOUT.toMillis() + " ms"
                            : String.valueOf(e.getMessage()));
                }
                if (!required) {
                    b.detail("required", false).detail("reachable", up);
                }
                return b.status(up || !required).build();
            }
        };
    }

    private static boolean timed(Probe probe) throws Exception {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        // A virtual thread per probe: a probe stuck on a dead socket is abandoned, not waited for.
        Thread.ofVirtual().name("health-probe").start(() -> {
            try {
                f.complete(probe.up());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    /** Answers whether a dependency is usable. */
    @FunctionalInterface
    public interface Probe {
        boolean up() throws Exception;
    }
}

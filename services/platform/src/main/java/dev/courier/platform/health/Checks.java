package dev.courier.platform.health;

import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import redis.clients.jedis.JedisPooled;

import dev.courier.platform.db.Database;

/** Readiness checks for the servers a service depends on. */
public final class Checks {

    private Checks() {
    }

    public static HealthCheck database(Database db) {
        return readiness("postgresql", () -> db.ping());
    }

    public static HealthCheck redis(JedisPooled jedis) {
        return readiness("redis", () -> "PONG".equals(jedis.ping()));
    }

    public static HealthCheck kafka(Admin admin) {
        // Bounded well below a probe's timeout: a health check answers within about a second.
        return readiness("kafka", () -> !admin.describeCluster(new DescribeClusterOptions().timeoutMs(800))
                .nodes().get(1, TimeUnit.SECONDS).isEmpty());
    }

    /** A readiness check that is DOWN when the probe returns false or throws. */
    public static HealthCheck readiness(String name, Probe probe) {
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
                try {
                    return HealthCheckResponse.builder().status(probe.up()).build();
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    return HealthCheckResponse.builder().status(false).detail("error", String.valueOf(e.getMessage())).build();
                }
            }
        };
    }

    /** Answers whether a dependency is usable. */
    @FunctionalInterface
    public interface Probe {
        boolean up() throws Exception;
    }
}

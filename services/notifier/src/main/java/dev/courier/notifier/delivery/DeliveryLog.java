package dev.courier.notifier.delivery;

import java.sql.Types;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import dev.courier.platform.db.Database;

/**
 * Every delivery attempt, kept in {@code delivery_attempt} (for support: "why did I not get a
 * notification?") and counted in Prometheus by channel and outcome.
 */
public final class DeliveryLog {

    public static final String PUSH = "push";
    public static final String EMAIL = "email";

    private static final String INSERT = """
            INSERT INTO delivery_attempt (event_id, user_id, channel, subscription_id, attempt, status, outcome, latency_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """;

    private final Database db;

    public DeliveryLog(Database db) {
        this.db = db;
    }

    /**
     * @param outcome {@code delivered}, {@code gone} (subscription deleted), {@code retry},
     *                {@code failed} (retries exhausted), {@code rejected} (a 4xx we cannot fix by retrying)
     */
    public void record(String eventId, long userId, String channel, Long subscriptionId, int attempt, Integer status,
                       String outcome, long latencyMillis) {
        db.withConnection(c -> {
            try (var ps = c.prepareStatement(INSERT)) {
                ps.setString(1, eventId);
                ps.setLong(2, userId);
                ps.setString(3, channel);
                if (subscriptionId == null) {
                    ps.setNull(4, Types.BIGINT);
                } else {
                    ps.setLong(4, subscriptionId);
                }
                ps.setInt(5, attempt);
                if (status == null) {
                    ps.setNull(6, Types.INTEGER);
                } else {
                    ps.setInt(6, status);
                }
                ps.setString(7, outcome);
                ps.setLong(8, latencyMillis);
                return ps.executeUpdate();
            }
        });
        count(channel, outcome);
        Metrics.globalRegistry().getOrCreate(Timer.builder("notifier.delivery.latency")
                        .description("Time a push service or the SMTP server took to answer one attempt")
                        .tags(List.of(Tag.create("channel", channel))))
                .record(latencyMillis, TimeUnit.MILLISECONDS);
    }

    /** Counts a decision that involved no attempt (the user was online, the chat muted...). */
    public static void count(String channel, String outcome) {
        Metrics.globalRegistry().getOrCreate(Counter.builder("notifier.deliveries")
                        .description("Notification attempts and decisions by channel and outcome")
                        .tags(List.of(Tag.create("channel", channel), Tag.create("outcome", outcome))))
                .increment();
    }
}

package dev.courier.notifier.delivery;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;

/**
 * Every delivery attempt, kept in {@code delivery_attempt} (for support: "why did I not get a
 * notification?") and counted in Prometheus by channel and outcome.
 */
public final class DeliveryLog {

    public static final String PUSH = "push";
    public static final String EMAIL = "email";



    private final SqlClient db;

    public DeliveryLog(Database db) {
        this.db = SqlClient.over(db, dev.courier.notifier.NotifierApp.STATEMENTS);
    }

    /**
     * @param outcome {@code delivered}, {@code gone} (subscription deleted), {@code retry},
     *                {@code failed} (retries exhausted), {@code rejected} (a 4xx we cannot fix by retrying)
     */
    public void record(String eventId, long userId, String channel, Long subscriptionId, int attempt, Integer status,
                       String outcome, long latencyMillis) {
        db.execute(exec -> exec.namedInsert("record-attempt", eventId, userId, channel, subscriptionId, attempt, status, outcome,
                latencyMillis));
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

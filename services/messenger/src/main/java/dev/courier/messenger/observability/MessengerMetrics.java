package dev.courier.messenger.observability;

import java.sql.ResultSet;
import java.util.function.IntSupplier;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;

import dev.courier.platform.db.Database;

/**
 * The messenger's operator gauges, read from outside the delivery core (the hub's public socket
 * count, the outbox table) so the core can change without them:
 * {@code courier_messenger_ws_connections}, {@code courier_messenger_outbox_backlog} (rows not yet
 * on Kafka) and {@code courier_messenger_outbox_lag_seconds} (age of the oldest of them: the relay's
 * lag, 0 when it has caught up). The outbox figures are one indexed query (the partial index on
 * unsent rows), cached for a scrape interval so several scrapers cost one query.
 */
public final class MessengerMetrics {

    private static final long CACHE_NANOS = 5_000_000_000L;
    private static final String OUTBOX = """
            SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)
            FROM outbox WHERE sent_at IS NULL
            """;

    private final Database db;
    private long readAt;
    private double backlog;
    private double lagSeconds;

    private MessengerMetrics(Database db) {
        this.db = db;
    }

    /** Registers the gauges once per JVM (the devstack runs one messenger). */
    public static void register(Database db, IntSupplier sockets) {
        MessengerMetrics m = new MessengerMetrics(db);
        MeterRegistry registry = Metrics.globalRegistry();
        registry.getOrCreate(Gauge.builder("courier.messenger.ws.connections", () -> sockets.getAsInt())
                .description("WebSocket connections open on this replica"));
        registry.getOrCreate(Gauge.builder("courier.messenger.outbox.backlog", m, MessengerMetrics::backlog)
                .description("Outbox rows not yet published to Kafka"));
        registry.getOrCreate(Gauge.builder("courier.messenger.outbox.lag.seconds", m, MessengerMetrics::lagSeconds)
                .description("Age of the oldest outbox row not yet published (the relay's lag)"));
    }

    private synchronized double backlog() {
        refresh();
        return backlog;
    }

    private synchronized double lagSeconds() {
        refresh();
        return lagSeconds;
    }

    private void refresh() {
        long now = System.nanoTime();
        if (readAt != 0 && now - readAt < CACHE_NANOS) {
            return;
        }
        readAt = now;
        try {
            db.withConnection(c -> {
                try (var st = c.createStatement(); ResultSet rs = st.executeQuery(OUTBOX)) {
                    rs.next();
                    backlog = rs.getLong(1);
                    lagSeconds = rs.getDouble(2);
                }
                return null;
            });
        } catch (RuntimeException e) {
            // The database is down: readiness says so; the gauges keep their last values.
        }
    }
}

package dev.courier.messenger.observability;

import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;

import dev.courier.platform.db.Database;

/**
 * The messenger's operator gauges, read from outside the delivery core (the hub's public socket
 * count, the outbox table) so the core can change without them:
 * {@code courier_messenger_ws_connections}, {@code courier_messenger_outbox_backlog} (rows not yet
 * on Kafka) and {@code courier_messenger_outbox_lag_seconds} (age of the oldest of them: the relay's
 * lag, 0 when it has caught up). The outbox figures are one indexed query (the partial index on
 * unsent rows), cached for a scrape interval so several scrapers cost one query.
 *
 * <p>And the counters the delivery core bumps with one call each, so its code barely changes:
 * {@code courier_messenger_ws_frames_received_total} and {@code ..._sent_total} (text frames, not
 * pings), {@code courier_messenger_ws_slow_disconnects_total} by {@code reason} ({@value #QUEUE_FULL}:
 * the socket's queue overflowed; {@value #STUCK_SEND}: one write blocked too long) and
 * {@code courier_messenger_sends_total} by {@code transport} (rest, ws, seed: the seeds' dialects,
 * REST and gRPC), counted once the message is stored. Every series exists from the start at 0, so
 * a rate over it never starts from nothing.
 */
public final class MessengerMetrics {

    public static final String QUEUE_FULL = "queue_full";
    public static final String STUCK_SEND = "stuck_send";
    public static final String REST = "rest";
    public static final String WS = "ws";
    public static final String SEED = "seed";

    private static final Counter FRAMES_RECEIVED = Metrics.globalRegistry().getOrCreate(
            Counter.builder("courier.messenger.ws.frames.received").description("WebSocket text frames received from clients"));
    private static final Counter FRAMES_SENT = Metrics.globalRegistry().getOrCreate(
            Counter.builder("courier.messenger.ws.frames.sent").description("WebSocket text frames written to clients"));
    private static final Map<String, Counter> SLOW = counters("courier.messenger.ws.slow.disconnects",
            "WebSockets closed because the client could not keep up, by reason", "reason", QUEUE_FULL, STUCK_SEND);
    private static final Map<String, Counter> SENDS = counters("courier.messenger.sends",
            "Messages stored by a send, by the transport it came on", "transport", REST, WS, SEED);

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

    private static Map<String, Counter> counters(String name, String description, String tag, String... values) {
        Map<String, Counter> out = new java.util.HashMap<>();
        for (String v : values) {
            out.put(v, Metrics.globalRegistry().getOrCreate(Counter.builder(name).description(description)
                    .tags(List.of(Tag.create(tag, v)))));
        }
        return Map.copyOf(out);
    }

    /** A text frame arrived from a client. */
    public static void frameReceived() {
        FRAMES_RECEIVED.increment();
    }

    /** A text frame was gathered for a client's socket. */
    public static void frameSent() {
        FRAMES_SENT.increment();
    }

    /** A slow client was disconnected; {@code reason} is {@link #QUEUE_FULL} or {@link #STUCK_SEND}. */
    public static void slowDisconnect(String reason) {
        SLOW.get(reason).increment();
    }

    /** Counts a stored send on {@code transport} ({@link #REST}, {@link #WS}, {@link #SEED}) and returns what the send returned. */
    public static <T> T sent(String transport, T result) {
        SENDS.get(transport).increment();
        return result;
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

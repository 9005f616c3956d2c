package dev.courier.messenger.events;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import io.helidon.config.Config;

import dev.courier.platform.db.Database;

/**
 * Keeps the event stream bounded: every {@code every}, events more than {@code keep} positions
 * behind the head are deleted, ten thousand rows per transaction, together with the ended
 * memberships that only they needed. The stream first records how far it is pruned, in its own
 * transaction, so a socket or a sync resuming from before that is told so by a {@code resync}
 * event ({@link EventStream#after}) and reloads its chats and history, rather than finding a hole.
 *
 * <p>One replica prunes at a time (an advisory lock per round); rounds of other replicas that find
 * it taken skip, so the work is not repeated.
 */
public final class EventLogPruner implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventLogPruner.class.getName());
    private static final int ROWS_PER_ROUND = 10_000;
    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('courier-messenger-event-log-prune'))";
    private static final String MARK = """
            UPDATE stream_head SET pruned_through = pos - ? WHERE pos - ? > pruned_through RETURNING pruned_through
            """;
    private static final String PRUNED_THROUGH = "SELECT pruned_through FROM stream_head";
    private static final String OLDEST = "SELECT min(pos) FROM stream_events";
    private static final String PRUNE = "DELETE FROM stream_events WHERE pos >= ? AND pos < ? AND pos <= ?";
    private static final String PRUNE_PERIODS = "DELETE FROM member_periods WHERE left_pos <= ?";

    /** Positions kept behind the head and how often the stream is pruned; {@code keep} 0 turns pruning off. */
    public record Settings(long keep, Duration every) {

        public static Settings from(Config events) {
            return new Settings(events.get("keep").asLong().orElse(1_000_000L),
                    Duration.ofMillis(events.get("pruneeverymillis").asLong().orElse(600_000L)));
        }
    }

    private final Database db;
    private final Settings settings;
    private volatile boolean running;
    private Thread thread;

    public EventLogPruner(Database db, Settings settings) {
        this.db = db;
        this.settings = settings;
    }

    public void start() {
        if (settings.keep() <= 0) {
            return;
        }
        running = true;
        thread = Thread.ofVirtual().name("messenger-event-log-pruner").start(() -> {
            while (running) {
                try {
                    Thread.sleep(settings.every());
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    long pruned = pruneAll();
                    if (pruned > 0) {
                        LOG.log(Level.INFO, "Event stream: deleted " + pruned + " events more than " + settings.keep() + " behind the head");
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Event stream pruning failed, will retry: " + e);
                }
            }
        });
    }

    /** One pass; returns how many events were deleted. */
    long pruneAll() {
        // First say how far the stream is pruned (committed before any row goes), then delete.
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(MARK)) {
                ps.setLong(1, settings.keep());
                ps.setLong(2, settings.keep());
                ps.executeQuery().close();
            }
            return null;
        });
        long deleted = 0;
        while (true) {
            Integer rows = db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(TRY_LOCK); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return null;
                    }
                }
                long through = one(c, PRUNED_THROUGH);
                long oldest = one(c, OLDEST);
                if (oldest == 0 || oldest > through) {
                    try (PreparedStatement ps = c.prepareStatement(PRUNE_PERIODS)) {
                        ps.setLong(1, through);
                        ps.executeUpdate();
                    }
                    return 0;
                }
                try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
                    ps.setLong(1, oldest);
                    ps.setLong(2, oldest + ROWS_PER_ROUND);
                    ps.setLong(3, through);
                    return ps.executeUpdate();
                }
            });
            if (rows == null || rows == 0 || !running && thread != null) {
                return deleted;
            }
            deleted += rows;
        }
    }

    private static long one(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

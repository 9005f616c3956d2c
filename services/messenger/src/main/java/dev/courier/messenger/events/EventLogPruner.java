package dev.courier.messenger.events;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.helidon.config.Config;

import dev.courier.platform.db.Database;

/**
 * Keeps the per-user event log bounded: every {@code every}, the events of each user older than
 * that user's newest {@code keep} are deleted, a thousand users and at most ten thousand rows per
 * transaction (the first pass over a log that was never pruned deletes its whole backlog: 5.2
 * million rows of the benchmark database, so a large pass goes as many short transactions). A socket or a
 * sync that resumes from a cursor before what is left is told so by a {@code resync} event
 * ({@link UserEventLog#after}) and reloads its chats and history. Without it the log grows by one
 * row per member of every chat for every message, forever.
 *
 * <p>One replica prunes at a time (an advisory lock per round); rounds of other replicas that find
 * it taken skip, so the work is not repeated.
 */
public final class EventLogPruner implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventLogPruner.class.getName());
    private static final int USERS_PER_ROUND = 1_000;
    private static final int ROWS_PER_ROUND = 10_000;
    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('courier-messenger-event-log-prune'))";
    private static final String USERS = "SELECT user_id FROM user_cursors WHERE user_id > ? ORDER BY user_id LIMIT ?";
    // Along the primary key: for each user, its rows up to last_cursor - keep, at most a round's worth.
    private static final String PRUNE = """
            DELETE FROM user_events WHERE (user_id, cursor) IN (
                SELECT e.user_id, e.cursor FROM user_cursors c JOIN user_events e ON e.user_id = c.user_id
                WHERE c.user_id = ANY (?) AND e.cursor <= c.last_cursor - ? LIMIT ?)
            """;

    /** Events kept per user and how often the log is pruned; {@code keep} 0 turns pruning off. */
    public record Settings(long keep, Duration every) {

        public static Settings from(Config events) {
            return new Settings(events.get("keep").asLong().orElse(10_000L),
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
                        LOG.log(Level.INFO, "Event log: deleted " + pruned + " events beyond the newest " + settings.keep() + " per user");
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Event log pruning failed, will retry: " + e);
                }
            }
        });
    }

    /** One pass over every user; returns how many events were deleted. */
    long pruneAll() {
        long after = 0;
        long deleted = 0;
        while (running) {
            long from = after;
            Round round = db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(TRY_LOCK); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return null;
                    }
                }
                List<Long> users = new ArrayList<>(USERS_PER_ROUND);
                try (PreparedStatement ps = c.prepareStatement(USERS)) {
                    ps.setLong(1, from);
                    ps.setInt(2, USERS_PER_ROUND);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            users.add(rs.getLong(1));
                        }
                    }
                }
                if (users.isEmpty()) {
                    return new Round(from, 0, true);
                }
                try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
                    ps.setArray(1, c.createArrayOf("bigint", users.toArray()));
                    ps.setLong(2, settings.keep());
                    ps.setInt(3, ROWS_PER_ROUND);
                    int rows = ps.executeUpdate();
                    if (rows >= ROWS_PER_ROUND) {
                        // More of these users' backlog is left: the same users again.
                        return new Round(from, rows, false);
                    }
                    return new Round(users.get(users.size() - 1), rows, users.size() < USERS_PER_ROUND);
                }
            });
            if (round == null) {
                // Another replica is pruning.
                return deleted;
            }
            deleted += round.deleted();
            after = round.lastUser();
            if (round.done()) {
                return deleted;
            }
        }
        return deleted;
    }

    private record Round(long lastUser, int deleted, boolean done) {
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

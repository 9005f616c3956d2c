package dev.courier.messenger.events;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.courier.platform.db.Database;
import dev.courier.platform.http.Json;

/**
 * The per-user durable event log: what a user's sockets are sent, and what a resume replays. Each
 * user has a dense cursor assigned under a row lock in the same transaction as the change, so a
 * user's events commit in cursor order and "everything after N" never misses one.
 */
public final class UserEventLog {

    // One round trip: bump each user's cursor under its row lock and store the event at the new
    // cursor, as its payload or (a message's creation) as the message's id.
    private static final String APPEND_TO = """
            WITH cursors AS (
                INSERT INTO user_cursors (user_id, last_cursor)
                SELECT u, 1 FROM unnest(?::bigint[]) AS u ORDER BY u
                ON CONFLICT (user_id) DO UPDATE SET last_cursor = user_cursors.last_cursor + 1
                RETURNING user_id, last_cursor
            ), events AS (
                INSERT INTO user_events (user_id, cursor, %s) SELECT user_id, last_cursor, ? FROM cursors
            )
            SELECT user_id, last_cursor FROM cursors ORDER BY user_id
            """;
    private static final String APPEND = APPEND_TO.formatted("payload");
    private static final String APPEND_MESSAGE_CREATED = APPEND_TO.formatted("message_id");
    private static final String EVENTS_AFTER = """
            SELECT cursor, payload, message_id FROM user_events WHERE user_id = ? AND cursor > ? ORDER BY cursor LIMIT ?
            """;
    private static final String LAST_CURSOR = "SELECT last_cursor FROM user_cursors WHERE user_id = ?";
    private static final String LAST_CURSORS = "SELECT user_id, last_cursor FROM user_cursors WHERE user_id = ANY (?)";

    private final Database db;
    private final MessageCreatedEvents created;

    public UserEventLog(Database db, MessageCreatedEvents created) {
        this.db = db;
        this.created = created;
    }

    /**
     * Appends one event for each user, inside the caller's transaction. Cursor rows are locked in
     * user id order so concurrent transactions touching overlapping users cannot deadlock.
     *
     * @param event a JSON object without {@code cursor}; it is added when the event is read
     * @return the stored event and each user's cursor for it
     */
    public Appended append(Connection c, Collection<Long> userIds, Map<String, Object> event) throws SQLException {
        byte[] payload = Json.write(event);
        return append(c, APPEND, userIds, new String(payload, StandardCharsets.UTF_8), ps -> ps.setBytes(2, payload));
    }

    /**
     * Appends a message's creation for each user, stored as a reference to the message; {@code json}
     * is the event as the sockets are sent it now (a resume renders it again from the message).
     */
    public Appended appendMessageCreated(Connection c, Collection<Long> userIds, long messageId, String json) throws SQLException {
        return append(c, APPEND_MESSAGE_CREATED, userIds, json, ps -> ps.setLong(2, messageId));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static Appended append(Connection c, String sql, Collection<Long> userIds, String json, Binder event) throws SQLException {
        List<Appended.Entry> entries = new ArrayList<>(userIds.size());
        if (userIds.isEmpty()) {
            return new Appended(json, entries);
        }
        Array ids = c.createArrayOf("bigint", new TreeSet<>(userIds).toArray());
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, ids);
            event.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Appended.Entry(rs.getLong(1), rs.getLong(2)));
                }
            }
        }
        return new Appended(json, entries);
    }

    /**
     * Up to {@code limit} events of a user after {@code cursor}, oldest first, as JSON frames with
     * their cursor. When events after {@code cursor} have been pruned, the first is a
     * {@code resync} event (one more than {@code limit} then), at the last cursor that is gone.
     */
    public List<Event> after(long userId, long cursor, int limit) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(EVENTS_AFTER)) {
                ps.setLong(1, userId);
                ps.setLong(2, cursor);
                ps.setInt(3, limit);
                record Row(long cursor, byte[] payload, long messageId) {
                }
                List<Row> rows = new ArrayList<>();
                List<Long> referenced = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row row = new Row(rs.getLong(1), rs.getBytes(2), rs.getLong(3));
                        rows.add(row);
                        if (row.payload() == null) {
                            referenced.add(row.messageId());
                        }
                    }
                }
                Map<Long, String> rendered = referenced.isEmpty() ? Map.of() : created.render(c, referenced);
                List<Event> events = new ArrayList<>(rows.size() + 1);
                // Cursors are dense, so a first row past cursor + 1 means the events in between
                // were pruned (EventLogPruner): say so, at the last cursor that is gone.
                if (!rows.isEmpty() && rows.get(0).cursor() > cursor + 1) {
                    long gone = rows.get(0).cursor() - 1;
                    events.add(new Event(gone, withCursor(gone, "{\"type\":\"resync\",\"missedAfter\":" + cursor + "}")));
                }
                for (Row row : rows) {
                    String json = row.payload() != null ? new String(row.payload(), StandardCharsets.UTF_8) : rendered.get(row.messageId());
                    // Messages are never removed; a row naming none has nothing to say and is left out.
                    if (json != null) {
                        events.add(new Event(row.cursor(), withCursor(row.cursor(), json)));
                    }
                }
                return events;
            }
        });
    }

    /** The newest cursor of each of these users that has events (one query, for the hub's sweep). */
    public Map<Long, Long> lastCursors(Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(LAST_CURSORS)) {
                ps.setArray(1, c.createArrayOf("bigint", userIds.toArray()));
                Map<Long, Long> last = new java.util.HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last.put(rs.getLong(1), rs.getLong(2));
                    }
                }
                return last;
            }
        });
    }

    /** The user's newest cursor (0 when the user has no events yet). */
    public long lastCursor(long userId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(LAST_CURSOR)) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** A stored event ({@link Appended#json()}) as the frame a socket is sent for {@code cursor}. */
    public static String withCursor(long cursor, String json) {
        return "{\"cursor\":" + cursor + (json.length() > 2 ? "," : "") + json.substring(1);
    }

    /** One durable event: its cursor and the JSON frame that carries it. */
    public record Event(long cursor, String json) {
    }
}

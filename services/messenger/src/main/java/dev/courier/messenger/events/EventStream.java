package dev.courier.messenger.events;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.courier.platform.db.Database;
import dev.courier.platform.http.Json;

/**
 * The messenger's durable event stream: one row per event, whatever the size of its chat, at a
 * global position. Positions are handed out by one counter row that every writing transaction
 * updates as its last statement and keeps locked to its commit, so they are dense and commit in
 * order: a reader that sees position N sees every position below it, and "after N" never skips an
 * event that commits later. A user's events are those of their chats while they were a member
 * (from the event that made them one to the one that ended it); a user's cursor is the position
 * of the last event they were sent: opaque to clients, monotonic, not dense.
 */
public final class EventStream {

    /** Takes {@code n} positions; the row stays locked until the caller's transaction ends. */
    static final String TAKE = "UPDATE stream_head SET pos = pos + ? RETURNING pos";
    private static final String APPEND = """
            INSERT INTO stream_events (pos, conversation_id, payload, message_id, joined, left_users) VALUES (?, ?, ?, ?, ?, ?)
            """;
    private static final String HEAD = "SELECT pos, pruned_through FROM stream_head";
    /*
     * A user's events after a position, up to the head read in the same snapshot: per chat of
     * theirs (current memberships and ended ones that ended after the position), along the
     * (conversation_id, pos) index, merged by position.
     */
    private static final String AFTER = """
            WITH mine AS (
                SELECT conversation_id, joined_pos, NULL::bigint AS left_pos FROM members WHERE user_id = ?
                UNION ALL
                SELECT conversation_id, joined_pos, left_pos FROM member_periods WHERE user_id = ? AND left_pos > ?
            )
            SELECT e.pos, e.conversation_id, e.payload, e.message_id, e.joined, e.left_users FROM mine m
            CROSS JOIN LATERAL (
                SELECT s.pos, s.conversation_id, s.payload, s.message_id, s.joined, s.left_users FROM stream_events s
                WHERE s.conversation_id = m.conversation_id AND s.pos > greatest(?, m.joined_pos - 1) AND s.pos <= ?
                  AND (m.left_pos IS NULL OR s.pos <= m.left_pos)
                ORDER BY s.pos LIMIT ?) e
            ORDER BY e.pos LIMIT ?
            """;
    private static final String MY_CHATS = "SELECT conversation_id FROM members WHERE user_id = ?";
    private static final String RANGE = """
            SELECT pos, conversation_id, payload, message_id, joined, left_users FROM stream_events
            WHERE pos > ? AND pos <= ? ORDER BY pos LIMIT ?
            """;

    private final Database db;
    private final MessageCreatedEvents created;

    public EventStream(Database db, MessageCreatedEvents created) {
        this.db = db;
        this.created = created;
    }

    /**
     * Appends one event of a chat, inside the caller's transaction, as its last write: the counter
     * row it takes is held until the commit, so it must be the last lock the transaction takes.
     *
     * @param event a JSON object without {@code cursor}; it is added when the event is sent
     * @param joined users who became members of the chat with this event
     * @param left users whose membership this event ended (they are sent it)
     */
    public Appended append(Connection c, long conversationId, Map<String, Object> event,
                           Collection<Long> joined, Collection<Long> left) throws SQLException {
        String json = Json.writeString(event);
        long pos = take(c, 1);
        try (PreparedStatement ps = c.prepareStatement(APPEND)) {
            ps.setLong(1, pos);
            ps.setLong(2, conversationId);
            ps.setBytes(3, json.getBytes(StandardCharsets.UTF_8));
            ps.setNull(4, java.sql.Types.BIGINT);
            ps.setArray(5, array(c, joined));
            ps.setArray(6, array(c, left));
            ps.executeUpdate();
        }
        return new Appended(pos, conversationId, json, List.copyOf(joined), List.copyOf(left));
    }

    /** Appends a message's creation, stored as a reference to the message; {@code json} is the event as sent now. */
    public Appended appendMessageCreated(Connection c, long conversationId, long messageId, String json,
                                         Collection<Long> joined) throws SQLException {
        long pos = take(c, 1);
        try (PreparedStatement ps = c.prepareStatement(APPEND)) {
            ps.setLong(1, pos);
            ps.setLong(2, conversationId);
            ps.setNull(3, java.sql.Types.BINARY);
            ps.setLong(4, messageId);
            ps.setArray(5, array(c, joined));
            ps.setArray(6, null);
            ps.executeUpdate();
        }
        return new Appended(pos, conversationId, json, List.copyOf(joined), List.of());
    }

    private static long take(Connection c, int n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TAKE)) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Array array(Connection c, Collection<Long> ids) throws SQLException {
        return ids == null || ids.isEmpty() ? null : c.createArrayOf("bigint", ids.toArray());
    }

    /** The newest committed position and the newest one pruned. */
    public record Head(long pos, long prunedThrough) {
    }

    public Head head() {
        return db.withConnection(EventStream::head);
    }

    private static Head head(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HEAD); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Head(rs.getLong(1), rs.getLong(2));
        }
    }

    /**
     * Up to {@code limit} of a user's events after {@code cursor}, oldest first, as frames with their
     * cursor, read in one snapshot with the head and the user's chats at that head. When events
     * after {@code cursor} were pruned, the first is a {@code resync} event (one more than
     * {@code limit} then) at the newest position that is gone.
     */
    public Page after(long userId, long cursor, int limit) {
        return db.inSnapshot(c -> {
            Head head = head(c);
            List<Event> events = new ArrayList<>(Math.min(limit, 256) + 1);
            long from = cursor;
            if (cursor < head.prunedThrough()) {
                events.add(new Event(head.prunedThrough(),
                        withCursor(head.prunedThrough(), "{\"type\":\"resync\",\"missedAfter\":" + cursor + "}")));
                from = head.prunedThrough();
            }
            List<Appended> rows;
            try (PreparedStatement ps = c.prepareStatement(AFTER)) {
                ps.setLong(1, userId);
                ps.setLong(2, userId);
                ps.setLong(3, from);
                ps.setLong(4, from);
                ps.setLong(5, head.pos());
                ps.setInt(6, limit);
                ps.setInt(7, limit);
                rows = read(c, ps);
            }
            for (Appended row : rows) {
                // Messages are never removed; a row whose message is missing has nothing to say.
                if (row.json() != null) {
                    events.add(new Event(row.pos(), withCursor(row.pos(), row.json())));
                }
            }
            return new Page(events, rows.size() >= limit, head, myChats(c, userId));
        });
    }

    /**
     * A page of a user's events. When {@code full} is false the user has no other event up to
     * {@code head.pos()}, which is then where the next read starts; {@code chats} are the user's
     * chats at that head.
     */
    public record Page(List<Event> events, boolean full, Head head, Set<Long> chats) {

        /** Where the next read starts: the last event's position when full, else the head. */
        public long next(long from) {
            if (full) {
                return events.get(events.size() - 1).cursor();
            }
            return Math.max(from, head.pos());
        }
    }

    /** A user's chats as of a head, read in one snapshot. */
    public record Chats(Head head, Set<Long> chats) {
    }

    public Chats chats(long userId) {
        return db.inSnapshot(c -> {
            Head head = head(c);
            return new Chats(head, myChats(c, userId));
        });
    }

    private static Set<Long> myChats(Connection c, long userId) throws SQLException {
        Set<Long> chats = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(MY_CHATS)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    chats.add(rs.getLong(1));
                }
            }
        }
        return chats;
    }

    /**
     * Every event after {@code after} up to {@code upTo}, whoever it is for, oldest first (a
     * replica catching up with the stream after a lost signal).
     */
    public List<Appended> range(long after, long upTo, int limit) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(RANGE)) {
                ps.setLong(1, after);
                ps.setLong(2, upTo);
                ps.setInt(3, limit);
                return read(c, ps);
            }
        });
    }

    /**
     * Reads stream rows (pos, conversation_id, payload, message_id, joined, left_users) with
     * their JSON: a creation stored by reference rendered from its message as it is now.
     */
    private List<Appended> read(Connection c, PreparedStatement ps) throws SQLException {
        record Row(long pos, long conversationId, byte[] payload, long messageId, List<Long> joined, List<Long> left) {
        }
        List<Row> rows = new ArrayList<>();
        List<Long> referenced = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Row row = new Row(rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getLong(4),
                        longs(rs.getArray(5)), longs(rs.getArray(6)));
                rows.add(row);
                if (row.payload() == null) {
                    referenced.add(row.messageId());
                }
            }
        }
        Map<Long, String> rendered = referenced.isEmpty() ? Map.of() : created.render(c, referenced);
        List<Appended> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            String json = row.payload() != null ? new String(row.payload(), StandardCharsets.UTF_8) : rendered.get(row.messageId());
            out.add(new Appended(row.pos(), row.conversationId(), json, row.joined(), row.left()));
        }
        return out;
    }

    private static List<Long> longs(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        return List.of((Long[]) a.getArray());
    }

    /** A stored event's JSON as the frame a socket is sent at {@code cursor}. */
    public static String withCursor(long cursor, String json) {
        return "{\"cursor\":" + cursor + (json.length() > 2 ? "," : "") + json.substring(1);
    }

    /** One durable event: its cursor and the JSON frame that carries it. */
    public record Event(long cursor, String json) {
    }
}

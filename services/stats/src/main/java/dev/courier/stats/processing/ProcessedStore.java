package dev.courier.stats.processing;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.courier.platform.db.Database;

/** The consumer's SQL: processed rows, counter increments and per-group offsets. */
final class ProcessedStore {

    /** Where a group is on one partition. */
    record Position(long next, long published) {
    }

    private final Database db;

    ProcessedStore(Database db) {
        this.db = db;
    }

    <T> T inTransaction(Database.SqlFunction<Connection, T> work) {
        return db.inTransaction(work);
    }

    /** The stored positions of a group, for seeking on partition assignment. */
    Map<Integer, Position> positions(String group, String topic) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT partition, next_offset, published_offset FROM consumer_offsets
                    WHERE group_id = ? AND topic = ?""")) {
                ps.setString(1, group);
                ps.setString(2, topic);
                Map<Integer, Position> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getInt(1), new Position(rs.getLong(2), rs.getLong(3)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Locks the group's rows of these partitions for the rest of the transaction (creating them at
     * offset 0), so a consumer that lost its partitions cannot count the same records concurrently.
     */
    Map<Integer, Position> lock(Connection c, String group, String topic, Collection<Integer> partitions) throws SQLException {
        Set<Integer> sorted = new TreeSet<>(partitions);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO consumer_offsets (group_id, topic, partition, next_offset, published_offset)
                VALUES (?, ?, ?, 0, 0) ON CONFLICT DO NOTHING""")) {
            for (int p : sorted) {
                ps.setString(1, group);
                ps.setString(2, topic);
                ps.setInt(3, p);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Map<Integer, Position> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT partition, next_offset, published_offset FROM consumer_offsets
                WHERE group_id = ? AND topic = ? AND partition = ANY (?) ORDER BY partition FOR UPDATE""")) {
            ps.setString(1, group);
            ps.setString(2, topic);
            ps.setArray(3, c.createArrayOf("int4", sorted.toArray(new Integer[0])));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), new Position(rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    /** Inserts the messages not recorded yet (by any group) and returns the ids it inserted. */
    Set<Long> insert(Connection c, List<RecordedMessage> messages, Instant processedAt) throws SQLException {
        if (messages.isEmpty()) {
            return Set.of();
        }
        int n = messages.size();
        Long[] ids = new Long[n];
        Long[] chats = new Long[n];
        Long[] senders = new Long[n];
        String[] recipients = new String[n];
        String[] created = new String[n];
        String[] events = new String[n];
        for (int i = 0; i < n; i++) {
            RecordedMessage m = messages.get(i);
            ids[i] = m.messageId();
            chats[i] = m.conversationId();
            senders[i] = m.senderId();
            StringBuilder sb = new StringBuilder("{");
            for (int j = 0; j < m.recipientIds().length; j++) {
                sb.append(j == 0 ? "" : ",").append(m.recipientIds()[j]);
            }
            recipients[i] = sb.append('}').toString();
            created[i] = m.createdAt().toString();
            events[i] = m.eventId();
        }
        // One statement for the batch; recipients travel as array literals because unnest flattens 2-D arrays.
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO processed_messages
                    (message_id, conversation_id, sender_id, recipient_ids, created_at, processed_at, event_id)
                SELECT id, chat, sender, r::bigint[], created::timestamptz, ?, ev
                FROM unnest(?::int8[], ?::int8[], ?::int8[], ?::text[], ?::text[], ?::text[]) AS t(id, chat, sender, r, created, ev)
                ON CONFLICT (message_id) DO NOTHING
                RETURNING message_id""")) {
            ps.setObject(1, OffsetDateTime.ofInstant(processedAt, ZoneOffset.UTC));
            ps.setArray(2, c.createArrayOf("int8", ids));
            ps.setArray(3, c.createArrayOf("int8", chats));
            ps.setArray(4, c.createArrayOf("int8", senders));
            ps.setArray(5, c.createArrayOf("text", recipients));
            ps.setArray(6, c.createArrayOf("text", created));
            ps.setArray(7, c.createArrayOf("text", events));
            Set<Long> inserted = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getLong(1));
                }
            }
            return inserted;
        }
    }

    /** One row per recipient of each newly recorded message. */
    void receipts(Connection c, List<RecordedMessage> messages) throws SQLException {
        List<Long> recipients = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (RecordedMessage m : messages) {
            for (long r : m.recipientIds()) {
                recipients.add(r);
                created.add(m.createdAt().toString());
                ids.add(m.messageId());
            }
        }
        if (recipients.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO receipts (recipient_id, created_at, message_id)
                SELECT r, created::timestamptz, id FROM unnest(?::int8[], ?::text[], ?::int8[]) AS t(r, created, id)
                ON CONFLICT DO NOTHING""")) {
            ps.setArray(1, c.createArrayOf("int8", recipients.toArray(new Long[0])));
            ps.setArray(2, c.createArrayOf("text", created.toArray(new String[0])));
            ps.setArray(3, c.createArrayOf("int8", ids.toArray(new Long[0])));
            ps.executeUpdate();
        }
    }

    /** Adds a batch's increments to the counters, rows in a fixed order. */
    void add(Connection c, Tally tally) throws SQLException {
        if (tally.isEmpty()) {
            return;
        }
        int n = tally.counts().size();
        Long[] metric = new Long[n];
        Long[] subject = new Long[n];
        Long[] grain = new Long[n];
        Long[] bucket = new Long[n];
        Long[] count = new Long[n];
        int i = 0;
        for (var e : tally.counts().entrySet()) {
            metric[i] = (long) e.getKey().metric();
            subject[i] = e.getKey().subject();
            grain[i] = (long) e.getKey().grain();
            bucket[i] = e.getKey().bucket();
            count[i] = e.getValue();
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO counters (metric, subject, grain, bucket, n)
                SELECT m::smallint, s, g::int, b, n
                FROM unnest(?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int8[]) WITH ORDINALITY AS t(m, s, g, b, n, o)
                ORDER BY o
                ON CONFLICT (metric, subject, grain, bucket) DO UPDATE SET n = counters.n + EXCLUDED.n""")) {
            Array[] arrays = {c.createArrayOf("int8", metric), c.createArrayOf("int8", subject),
                    c.createArrayOf("int8", grain), c.createArrayOf("int8", bucket), c.createArrayOf("int8", count)};
            for (int k = 0; k < arrays.length; k++) {
                ps.setArray(k + 1, arrays[k]);
            }
            ps.executeUpdate();
        }
    }

    /** Moves the group past the counted records (never backwards). */
    void advance(Connection c, String group, String topic, Map<Integer, Long> next) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE consumer_offsets SET next_offset = greatest(next_offset, ?), updated_at = now()
                WHERE group_id = ? AND topic = ? AND partition = ?""")) {
            for (var e : next.entrySet()) {
                ps.setLong(1, e.getValue());
                ps.setString(2, group);
                ps.setString(3, topic);
                ps.setInt(4, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Records that every processed event before these offsets reached Kafka. */
    void published(String group, String topic, Map<Integer, Long> upTo) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE consumer_offsets SET published_offset = greatest(published_offset, least(?, next_offset))
                    WHERE group_id = ? AND topic = ? AND partition = ?""")) {
                for (var e : upTo.entrySet()) {
                    ps.setLong(1, e.getValue());
                    ps.setString(2, group);
                    ps.setString(3, topic);
                    ps.setInt(4, e.getKey());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** When already-recorded messages were processed (for republishing their marks). */
    Map<Long, ProcessedRow> find(Connection c, Collection<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT message_id, conversation_id, processed_at FROM processed_messages WHERE message_id = ANY (?)""")) {
            ps.setArray(1, c.createArrayOf("int8", ids.toArray(new Long[0])));
            Map<Long, ProcessedRow> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), new ProcessedRow(rs.getLong(1), rs.getLong(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant()));
                }
            }
            return out;
        }
    }

    /** A recorded message, as its processed event describes it. */
    record ProcessedRow(long messageId, long conversationId, Instant processedAt) {
    }

    static List<Long> ids(Collection<RecordedMessage> messages) {
        List<Long> ids = new ArrayList<>(messages.size());
        messages.forEach(m -> ids.add(m.messageId()));
        return ids;
    }
}

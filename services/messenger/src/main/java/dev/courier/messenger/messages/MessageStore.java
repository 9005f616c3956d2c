package dev.courier.messenger.messages;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.courier.messenger.events.Events;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;

/** The messages table. Methods run inside the caller's transaction or connection. */
public final class MessageStore {

    private static final String COLUMNS = "id, conversation_id, sender_id, client_id, text, ciphertext, nonce, envelopes::text AS envelopes, created_at, edited_at, deleted, processed_at";
    private static final String INSERT = """
            INSERT INTO messages (conversation_id, sender_id, client_id, text, ciphertext, nonce, envelopes)
            VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)
            ON CONFLICT (sender_id, client_id) DO NOTHING
            RETURNING\s""" + COLUMNS;
    private static final String BY_CLIENT_ID = "SELECT " + COLUMNS + " FROM messages WHERE sender_id = ? AND client_id = ?";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM messages WHERE id = ?";
    private static final String EDIT = """
            UPDATE messages SET text = ?, ciphertext = ?, nonce = ?, envelopes = ?::jsonb, edited_at = now()
            WHERE id = ? RETURNING\s""" + COLUMNS;
    private static final String DELETE = """
            UPDATE messages SET text = NULL, ciphertext = NULL, nonce = NULL, envelopes = NULL, deleted = true, edited_at = now()
            WHERE id = ? RETURNING\s""" + COLUMNS;
    private static final String BEFORE = "SELECT " + COLUMNS + " FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?";
    private static final String AFTER = "SELECT " + COLUMNS + " FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id LIMIT ?";
    private static final String PAGE = "SELECT " + COLUMNS + " FROM messages WHERE conversation_id = ? AND NOT deleted ORDER BY id DESC OFFSET ? LIMIT ?";
    private static final String CREATED_EVENTS = """
            SELECT m.id, m.conversation_id, m.sender_id, m.client_id, m.text, m.ciphertext, m.nonce, m.envelopes::text AS envelopes,
                   m.created_at, m.edited_at, m.deleted, m.processed_at, c.kind
            FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ANY (?)
            """;
    private static final String PROCESSED = "UPDATE messages SET processed_at = ? WHERE id = ? AND processed_at IS NULL";

    private static final TypeReference<Map<String, String>> ENVELOPES = new TypeReference<>() {
    };

    /** Inserts a message, or returns empty when this sender already used {@code clientId}. */
    public Optional<Message> insert(Connection c, long conversationId, long senderId, String clientId, Payload p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setLong(1, conversationId);
            ps.setLong(2, senderId);
            ps.setString(3, clientId);
            ps.setString(4, p.text());
            ps.setString(5, p.ciphertext());
            ps.setString(6, p.nonce());
            setEnvelopes(ps, 7, p);
            return first(ps);
        }
    }

    public Optional<Message> byClientId(Connection c, long senderId, String clientId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_CLIENT_ID)) {
            ps.setLong(1, senderId);
            ps.setString(2, clientId);
            return first(ps);
        }
    }

    /** The {@code message.created} event of a message, as sockets are sent it and the user event log replays it. */
    public static String createdEvent(Message m, String conversationKind) {
        return Json.writeString(Events.of(MessageEvent.CREATED, "conversationId", m.conversationId(),
                "conversationKind", conversationKind, "message", m));
    }

    /** The user event log's {@link dev.courier.messenger.events.MessageCreatedEvents}: those events from the messages as they are now. */
    public Map<Long, String> createdEvents(Connection c, Collection<Long> messageIds) throws SQLException {
        Map<Long, String> events = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CREATED_EVENTS)) {
            ps.setArray(1, c.createArrayOf("bigint", messageIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Message m = map(rs, "");
                    events.put(m.id(), createdEvent(m, rs.getString("kind")));
                }
            }
        }
        return events;
    }

    public Optional<Message> byId(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
            ps.setLong(1, id);
            return first(ps);
        }
    }

    public Message edit(Connection c, long id, Payload p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EDIT)) {
            ps.setString(1, p.text());
            ps.setString(2, p.ciphertext());
            ps.setString(3, p.nonce());
            setEnvelopes(ps, 4, p);
            ps.setLong(5, id);
            return first(ps).orElseThrow();
        }
    }

    public Message delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setLong(1, id);
            return first(ps).orElseThrow();
        }
    }

    /** Newest first: the {@code limit} messages before {@code beforeId}. */
    public List<Message> before(Connection c, long conversationId, long beforeId, int limit) throws SQLException {
        return list(c, BEFORE, conversationId, beforeId, limit);
    }

    /** Newest first: the {@code limit} messages right after {@code afterId}. */
    public List<Message> after(Connection c, long conversationId, long afterId, int limit) throws SQLException {
        List<Message> out = list(c, AFTER, conversationId, afterId, limit);
        java.util.Collections.reverse(out);
        return out;
    }

    /** Seed 000's paging: newest first, skipping deleted messages. */
    public List<Message> page(Connection c, long conversationId, long offset, int limit) throws SQLException {
        return list(c, PAGE, conversationId, offset, limit);
    }

    /** Marks a message processed; false when unknown or already marked. */
    public boolean markProcessed(Connection c, long messageId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PROCESSED)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setLong(2, messageId);
            return ps.executeUpdate() == 1;
        }
    }

    private List<Message> list(Connection c, String sql, long a, long b, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, a);
            ps.setLong(2, b);
            ps.setInt(3, limit);
            List<Message> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs, ""));
                }
            }
            return out;
        }
    }

    private static Optional<Message> first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs, "")) : Optional.empty();
        }
    }

    private static void setEnvelopes(PreparedStatement ps, int index, Payload p) throws SQLException {
        if (p.envelopes() == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, Json.writeString(p.envelopes()));
        }
    }

    /** Maps a row whose message columns carry {@code prefix} (for joins). */
    static Message map(ResultSet rs, String prefix) throws SQLException {
        String envelopes = rs.getString(prefix + "envelopes");
        Timestamp edited = rs.getTimestamp(prefix + "edited_at");
        return new Message(rs.getLong(prefix + "id"), rs.getLong(prefix + "conversation_id"), rs.getLong(prefix + "sender_id"),
                rs.getString(prefix + "client_id"), rs.getString(prefix + "text"), rs.getString(prefix + "ciphertext"),
                rs.getString(prefix + "nonce"), envelopes == null ? null : readEnvelopes(envelopes),
                rs.getTimestamp(prefix + "created_at").toInstant(), edited == null ? null : edited.toInstant(),
                rs.getBoolean(prefix + "deleted"), rs.getTimestamp(prefix + "processed_at") != null);
    }

    private static Map<String, String> readEnvelopes(String json) {
        try {
            return Json.MAPPER.readValue(json, ENVELOPES);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Stored envelopes are not JSON", e);
        }
    }
}

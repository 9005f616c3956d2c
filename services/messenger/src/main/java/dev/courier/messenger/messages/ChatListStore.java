package dev.courier.messenger.messages;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A user's conversation list, newest activity first, with last message and unread count. */
public final class ChatListStore {

    private static final String CHATS = """
            SELECT c.id AS c_id, c.kind, c.name, c.private, c.direct_low, c.direct_high, c.last_activity_at,
                   mb.last_read_message_id,
                   (SELECT count(*) FROM messages u
                     WHERE u.conversation_id = c.id AND u.id > mb.last_read_message_id
                       AND u.sender_id <> mb.user_id AND NOT u.deleted) AS unread,
                   lm.id AS m_id, lm.conversation_id AS m_conversation_id, lm.sender_id AS m_sender_id,
                   lm.client_id AS m_client_id, lm.text AS m_text, lm.ciphertext AS m_ciphertext, lm.nonce AS m_nonce,
                   lm.envelopes::text AS m_envelopes, lm.created_at AS m_created_at, lm.edited_at AS m_edited_at,
                   lm.deleted AS m_deleted, lm.processed_at AS m_processed_at
            FROM members mb
            JOIN conversations c ON c.id = mb.conversation_id
            LEFT JOIN messages lm ON lm.id = c.last_message_id
            WHERE mb.user_id = ? AND (? OR c.kind = 'direct')
            ORDER BY c.last_activity_at DESC, c.id DESC
            LIMIT ?
            """;

    /** Every chat of the user (or only direct chats), newest activity first. */
    public List<ChatSummary> chats(Connection c, long userId, boolean includeRooms, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CHATS)) {
            ps.setLong(1, userId);
            ps.setBoolean(2, includeRooms);
            ps.setInt(3, limit);
            List<ChatSummary> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean room = "room".equals(rs.getString("kind"));
                    Long pal = null;
                    if (!room) {
                        long low = rs.getLong("direct_low");
                        pal = low == userId ? rs.getLong("direct_high") : low;
                    }
                    rs.getLong("m_id");
                    Message last = rs.wasNull() ? null : MessageStore.map(rs, "m_");
                    out.add(new ChatSummary(rs.getLong("c_id"), rs.getString("kind"), rs.getString("name"),
                            room ? rs.getBoolean("private") : null, pal, last, rs.getLong("unread"),
                            rs.getLong("last_read_message_id"), rs.getTimestamp("last_activity_at").toInstant()));
                }
            }
            return out;
        }
    }
}

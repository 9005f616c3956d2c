package dev.courier.messenger.conversations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** The conversations and members tables. Methods run inside the caller's transaction. */
public final class ConversationStore {

    private static final String COLUMNS = "id, kind, name, private, owner_id, direct_low, direct_high, created_at, last_activity_at, member_count";
    private static final String LOCK = "SELECT " + COLUMNS + " FROM conversations WHERE id = ? FOR UPDATE";
    private static final String FIND = "SELECT " + COLUMNS + " FROM conversations WHERE id = ?";
    private static final String LOCK_ROOM = "SELECT " + COLUMNS + " FROM conversations WHERE id = ? AND kind = 'room' AND deleted_at IS NULL FOR UPDATE";
    private static final String FIND_ROOM = "SELECT " + COLUMNS + " FROM conversations WHERE id = ? AND kind = 'room' AND deleted_at IS NULL";
    // The row and its messages stay (outbox rows already written still reach Kafka); the name is free again.
    private static final String DELETE_ROOM = "UPDATE conversations SET deleted_at = now(), name_key = NULL WHERE id = ? AND kind = 'room'";
    private static final String REMOVE_ALL_MEMBERS = "DELETE FROM members WHERE conversation_id = ? RETURNING user_id, joined_pos";
    private static final String COUNT_MEMBERS = "UPDATE conversations SET member_count = member_count + ? WHERE id = ?";
    private static final String SET_JOINED_POS = "UPDATE members SET joined_pos = ? WHERE conversation_id = ? AND user_id = ANY (?)";
    private static final String END_MEMBERSHIPS = """
            INSERT INTO member_periods (user_id, conversation_id, joined_pos, left_pos)
            SELECT u, ?, j, ? FROM unnest(?::bigint[], ?::bigint[]) AS t(u, j)
            """;
    private static final String MEMBERS_PAGE = """
            SELECT user_id, role, joined_at, last_read_message_id FROM members
            WHERE conversation_id = ? AND (joined_at, user_id) > (?, ?) ORDER BY joined_at, user_id LIMIT ?
            """;
    private static final String SET_OWNER = "UPDATE conversations SET owner_id = ? WHERE id = ? AND kind = 'room'";
    private static final String CREATE_DIRECT = """
            INSERT INTO conversations (kind, direct_low, direct_high) VALUES ('direct', ?, ?)
            ON CONFLICT (direct_low, direct_high) DO NOTHING
            """;
    private static final String FIND_DIRECT = "SELECT " + COLUMNS + " FROM conversations WHERE direct_low = ? AND direct_high = ?";
    private static final String CREATE_ROOM = """
            INSERT INTO conversations (kind, name, name_key, private, owner_id) VALUES ('room', ?, ?, ?, ?)
            ON CONFLICT (name_key) WHERE NOT private DO NOTHING
            RETURNING\s""" + COLUMNS;
    private static final String ADD_MEMBER = """
            INSERT INTO members (conversation_id, user_id, role) VALUES (?, ?, ?)
            ON CONFLICT (conversation_id, user_id) DO NOTHING
            """;
    private static final String MEMBERS = """
            SELECT user_id, role, joined_at, last_read_message_id FROM members
            WHERE conversation_id = ? ORDER BY joined_at, user_id
            """;
    private static final String MEMBER = """
            SELECT user_id, role, joined_at, last_read_message_id FROM members
            WHERE conversation_id = ? AND user_id = ?
            """;
    private static final String REMOVE_MEMBER = "DELETE FROM members WHERE conversation_id = ? AND user_id = ? RETURNING joined_pos";
    private static final String SET_ROLE = "UPDATE members SET role = ? WHERE conversation_id = ? AND user_id = ?";
    /** Only a public room's name must be free among public rooms (V008): a private one's never collides. */
    private static final String RENAME = """
            UPDATE conversations r SET name = ?, name_key = ? WHERE r.id = ?
            AND (r.private OR NOT EXISTS (SELECT 1 FROM conversations WHERE name_key = ? AND id <> ? AND NOT private))
            """;
    private static final String TOUCH = "UPDATE conversations SET last_message_id = ?, last_activity_at = now() WHERE id = ?";
    private static final String MARK_READ = """
            UPDATE members SET last_read_message_id = GREATEST(last_read_message_id, ?)
            WHERE conversation_id = ? AND user_id = ? RETURNING last_read_message_id
            """;
    private static final String MY_ROOMS = """
            SELECT c.id, c.kind, c.name, c.private, c.owner_id, c.direct_low, c.direct_high, c.created_at, c.last_activity_at,
                   c.member_count
            FROM conversations c JOIN members m ON m.conversation_id = c.id
            WHERE m.user_id = ? AND c.kind = 'room' AND c.deleted_at IS NULL ORDER BY c.last_activity_at DESC, c.id DESC
            """;
    private static final String PUBLIC_ROOMS = """
            SELECT\s""" + COLUMNS + """
             FROM conversations WHERE kind = 'room' AND NOT private AND deleted_at IS NULL ORDER BY last_activity_at DESC, id DESC LIMIT ?
            """;

    public Optional<Conversation> lock(Connection c, long id) throws SQLException {
        return one(c, LOCK, id);
    }

    public Optional<Conversation> find(Connection c, long id) throws SQLException {
        return one(c, FIND, id);
    }

    /** A room that is not deleted, locked for the rest of the transaction (orders with sends). */
    public Optional<Conversation> lockRoom(Connection c, long id) throws SQLException {
        return one(c, LOCK_ROOM, id);
    }

    /** A room that is not deleted. */
    public Optional<Conversation> findRoom(Connection c, long id) throws SQLException {
        return one(c, FIND_ROOM, id);
    }

    /**
     * Deletes a room: no members are left (so history, sends and chat lists treat it as gone) and
     * its name can be taken again. The caller holds the room's row lock.
     */
    public Map<Long, Long> deleteRoom(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE_ROOM)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
        Map<Long, Long> removed = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(REMOVE_ALL_MEMBERS)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    removed.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        count(c, id, -removed.size());
        return removed;
    }

    private static void count(Connection c, long conversationId, int delta) throws SQLException {
        if (delta == 0) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(COUNT_MEMBERS)) {
            ps.setInt(1, delta);
            ps.setLong(2, conversationId);
            ps.executeUpdate();
        }
    }

    /** Records the event that made these users members (a resume sends them the chat's events from there). */
    public void setJoinedPos(Connection c, long conversationId, List<Long> userIds, long pos) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SET_JOINED_POS)) {
            ps.setLong(1, pos);
            ps.setLong(2, conversationId);
            ps.setArray(3, c.createArrayOf("bigint", userIds.toArray()));
            ps.executeUpdate();
        }
    }

    /**
     * Keeps the memberships that the event at {@code leftPos} ended (user id to the position it
     * began at), so a resume still sends those users the chat's events up to their departure.
     */
    public void endMemberships(Connection c, long conversationId, Map<Long, Long> joinedPos, long leftPos) throws SQLException {
        if (joinedPos.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(END_MEMBERSHIPS)) {
            ps.setLong(1, conversationId);
            ps.setLong(2, leftPos);
            ps.setArray(3, c.createArrayOf("bigint", joinedPos.keySet().toArray()));
            ps.setArray(4, c.createArrayOf("bigint", joinedPos.values().toArray()));
            ps.executeUpdate();
        }
    }

    public void setOwner(Connection c, long id, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SET_OWNER)) {
            ps.setLong(1, userId);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** The direct chat of two users, created (with both as members) if it does not exist yet. */
    public Conversation direct(Connection c, long a, long b) throws SQLException {
        long low = Math.min(a, b);
        long high = Math.max(a, b);
        try (PreparedStatement ps = c.prepareStatement(CREATE_DIRECT)) {
            ps.setLong(1, low);
            ps.setLong(2, high);
            ps.executeUpdate();
        }
        Conversation conv;
        try (PreparedStatement ps = c.prepareStatement(FIND_DIRECT)) {
            ps.setLong(1, low);
            ps.setLong(2, high);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                conv = map(rs);
            }
        }
        addMember(c, conv.id(), low, Member.MEMBER);
        addMember(c, conv.id(), high, Member.MEMBER);
        return conv;
    }

    /** A new room, or empty when a public room has the name (case-insensitively); a private room's name is never taken. */
    public Optional<Conversation> createRoom(Connection c, String name, boolean isPrivate, long ownerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CREATE_ROOM)) {
            ps.setString(1, name);
            ps.setString(2, nameKey(name));
            ps.setBoolean(3, isPrivate);
            ps.setLong(4, ownerId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Conversation room = map(rs);
                addMember(c, room.id(), ownerId, Member.OWNER);
                return Optional.of(room);
            }
        }
    }

    public boolean rename(Connection c, long id, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RENAME)) {
            ps.setString(1, name);
            ps.setString(2, nameKey(name));
            ps.setLong(3, id);
            ps.setString(4, nameKey(name));
            ps.setLong(5, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Adds a member (the caller holds the chat's row lock, which also keeps its member count). */
    public boolean addMember(Connection c, long conversationId, long userId, String role) throws SQLException {
        boolean added;
        try (PreparedStatement ps = c.prepareStatement(ADD_MEMBER)) {
            ps.setLong(1, conversationId);
            ps.setLong(2, userId);
            ps.setString(3, role);
            added = ps.executeUpdate() == 1;
        }
        if (added) {
            count(c, conversationId, 1);
        }
        return added;
    }

    /** Removes a member; returns the position their membership began at, or empty when they were none. */
    public OptionalLong removeMember(Connection c, long conversationId, long userId) throws SQLException {
        OptionalLong joined;
        try (PreparedStatement ps = c.prepareStatement(REMOVE_MEMBER)) {
            ps.setLong(1, conversationId);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                joined = rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
        if (joined.isPresent()) {
            count(c, conversationId, -1);
        }
        return joined;
    }

    /**
     * Up to {@code limit} members in join order after the member at ({@code joinedAt},
     * {@code userId}); {@code Instant.EPOCH} and 0 for the first page.
     */
    public List<Member> membersPage(Connection c, long conversationId, Instant joinedAt, long userId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(MEMBERS_PAGE)) {
            ps.setLong(1, conversationId);
            ps.setTimestamp(2, Timestamp.from(joinedAt));
            ps.setLong(3, userId);
            ps.setInt(4, limit);
            List<Member> members = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(member(rs));
                }
            }
            return members;
        }
    }

    public void setRole(Connection c, long conversationId, long userId, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SET_ROLE)) {
            ps.setString(1, role);
            ps.setLong(2, conversationId);
            ps.setLong(3, userId);
            ps.executeUpdate();
        }
    }

    public List<Member> members(Connection c, long conversationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(MEMBERS)) {
            ps.setLong(1, conversationId);
            List<Member> members = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(member(rs));
                }
            }
            return members;
        }
    }

    public Optional<Member> member(Connection c, long conversationId, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(MEMBER)) {
            ps.setLong(1, conversationId);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(member(rs)) : Optional.empty();
            }
        }
    }

    /** Records the newest message; the caller holds the conversation's row lock. */
    public void touch(Connection c, long conversationId, long messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TOUCH)) {
            ps.setLong(1, messageId);
            ps.setLong(2, conversationId);
            ps.executeUpdate();
        }
    }

    /** Moves the read marker forward (never back); returns the marker now in place. */
    public long markRead(Connection c, long conversationId, long userId, long messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(MARK_READ)) {
            ps.setLong(1, messageId);
            ps.setLong(2, conversationId);
            ps.setLong(3, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public List<Conversation> myRooms(Connection c, long userId) throws SQLException {
        return list(c, MY_ROOMS, userId);
    }

    public List<Conversation> publicRooms(Connection c, int limit) throws SQLException {
        return list(c, PUBLIC_ROOMS, limit);
    }

    static String nameKey(String name) {
        return name.strip().toLowerCase(java.util.Locale.ROOT);
    }

    private List<Conversation> list(Connection c, String sql, long param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, param);
            List<Conversation> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        }
    }

    private Optional<Conversation> one(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static Conversation map(ResultSet rs) throws SQLException {
        String kind = rs.getString("kind");
        boolean room = Conversation.ROOM.equals(kind);
        return new Conversation(rs.getLong("id"), kind, rs.getString("name"),
                room ? rs.getBoolean("private") : null,
                room ? rs.getLong("owner_id") : null,
                room ? null : rs.getLong("direct_low"),
                room ? null : rs.getLong("direct_high"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("last_activity_at")),
                room ? rs.getInt("member_count") : null);
    }

    private static Member member(ResultSet rs) throws SQLException {
        return new Member(rs.getLong("user_id"), rs.getString("role"), instant(rs.getTimestamp("joined_at")),
                rs.getLong("last_read_message_id"));
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

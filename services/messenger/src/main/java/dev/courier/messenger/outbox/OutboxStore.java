package dev.courier.messenger.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.courier.messenger.conversations.Conversation;
import dev.courier.messenger.messages.Message;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;

/** The outbox table: written in the message's transaction, drained by {@link OutboxRelay}. */
public final class OutboxStore {

    private static final String NEXT_ID = "SELECT nextval('outbox_id_seq')";
    private static final String INSERT = "INSERT INTO outbox (id, conversation_id, payload) VALUES (?, ?, ?)";
    // No row locks: the relay's advisory lock already makes it the only reader of pending rows.
    // A pending row is "attempted" when the last batch a relay set out to publish listed it.
    private static final String PENDING = """
            SELECT o.id, o.conversation_id, o.payload, o.id = ANY (r.attempted)
            FROM outbox o CROSS JOIN outbox_relay r WHERE o.sent_at IS NULL ORDER BY o.id LIMIT ?
            """;
    // Earlier attempted rows still pending stay listed: a relay publishing one row at a time (after
    // a failure) must not forget rows of an in-doubt batch beyond its page.
    private static final String MARK_ATTEMPTED = """
            UPDATE outbox_relay r SET attempted = ARRAY(
                SELECT o.id FROM outbox o WHERE o.id = ANY (r.attempted) AND o.sent_at IS NULL
                UNION SELECT unnest(?::bigint[]) ORDER BY 1)
            WHERE r.id = 1
            """;
    private static final String MARK_SENT = "UPDATE outbox SET sent_at = now() WHERE id = ANY (?)";
    private static final String DELETE_SENT = "DELETE FROM outbox WHERE id = ANY (?)";
    // Oldest first along the primary key, so each round deletes from the front without a sent_at index.
    private static final String PRUNE = """
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox WHERE sent_at < now() - make_interval(secs => ?) ORDER BY id LIMIT ?)
            """;

    // Under the relay's advisory lock (no other relay runs it concurrently): the role stays with its
    // holder while the lease lasts and goes to whoever asks once it has run out. Returns nothing
    // when another replica holds it, else who held it before and the database's publisher id.
    private static final String TAKE_ROLE = """
            UPDATE outbox_publisher r SET holder = ?, held_until = now() + make_interval(secs => ?)
            FROM outbox_publisher before
            WHERE r.id = 1 AND before.id = 1
              AND (before.holder IS NULL OR before.holder = ? OR before.held_until < now())
            RETURNING before.holder, r.publisher_id
            """;
    private static final String RELEASE_ROLE = "UPDATE outbox_publisher SET held_until = now() WHERE id = 1 AND holder = ?";

    /** Adds the Kafka event of a message change; the event id is the outbox row's id, prefixed by the type. */
    public MessageEvent add(Connection c, Conversation conversation, String type, Message message, List<Long> recipientIds) throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement(NEXT_ID); ResultSet rs = ps.executeQuery()) {
            rs.next();
            id = rs.getLong(1);
        }
        MessageEvent event = new MessageEvent(MessageEvent.SCHEMA_VERSION, type + ":" + id, type, Instant.now(),
                conversation.id(), conversation.kind(), message.toEvent(), List.copyOf(recipientIds));
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setLong(1, id);
            ps.setLong(2, conversation.id());
            ps.setBytes(3, Json.write(event));
            ps.executeUpdate();
        }
        return event;
    }

    /** The oldest unsent rows, locked for this transaction. */
    List<Row> pending(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PENDING)) {
            ps.setInt(1, limit);
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getBoolean(4)));
                }
            }
            return rows;
        }
    }

    /** Marks published rows sent, kept for inspection, or deletes them when none are kept. */
    void markSent(Connection c, List<Long> ids, boolean keep) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(keep ? MARK_SENT : DELETE_SENT)) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            ps.executeUpdate();
        }
    }

    /**
     * Records, in its own committed statement, that these rows are about to be published: one row
     * lists every pending row a relay set out to publish (a batch's worth, as relays publish one
     * batch at a time under the advisory lock), instead of an update of each outbox row.
     */
    void markAttempted(Connection c, List<Long> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(MARK_ATTEMPTED)) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("outbox_relay has no row (migration V004 not applied?)");
            }
        }
    }

    /**
     * Takes or renews the publishing role for {@code holder} unless another holder's lease is still
     * running; empty when it is.
     */
    Optional<Role> takeRole(Connection c, String holder, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TAKE_ROLE)) {
            ps.setString(1, holder);
            ps.setDouble(2, lease.toMillis() / 1000.0);
            ps.setString(3, holder);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Role(!holder.equals(rs.getString(1)), rs.getString(2)));
            }
        }
    }

    /** Ends {@code holder}'s lease now, so another replica takes the role at its next poll. */
    void releaseRole(Connection c, String holder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RELEASE_ROLE)) {
            ps.setString(1, holder);
            ps.executeUpdate();
        }
    }

    /** Deletes up to {@code limit} rows sent longer than {@code keptSeconds} ago; returns how many. */
    int prune(Connection c, long keptSeconds, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
            ps.setLong(1, keptSeconds);
            ps.setInt(2, limit);
            return ps.executeUpdate();
        }
    }

    /**
     * The publishing role as just taken or renewed: {@code taken} when it came from another holder
     * (or none); {@code publisherId} names this database's publisher on Kafka.
     */
    record Role(boolean taken, String publisherId) {
    }

    /** A pending row; {@code attempted} when an earlier publish may have reached Kafka. */
    record Row(long id, long conversationId, byte[] payload, boolean attempted) {
    }
}

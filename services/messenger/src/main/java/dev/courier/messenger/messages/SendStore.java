package dev.courier.messenger.messages;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.courier.messenger.events.Appended;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;
import dev.courier.platform.http.ProblemException;

/**
 * The writes of a group of sends into existing chats, in one transaction and four round trips
 * whatever the group's size: lock the chats, insert the messages, write everything that follows
 * from them in one statement, commit. The last statement touches the tables of the outbox and the
 * event stream too: one data-modifying statement instead of five per send is the point.
 */
final class SendStore {

    /** Chat row locks in id order, so groups sharing chats cannot deadlock. */
    private static final String LOCK = "SELECT id, kind FROM conversations WHERE id = ANY (?) ORDER BY id FOR UPDATE";
    /*
     * Runs after LOCK, so its snapshot sees every membership change committed before this group
     * held the chats (room changes take the same row lock). Rows are inserted in input order, so
     * message ids and the outbox ids taken alongside them follow the order of the group.
     */
    private static final String INSERT = """
            INSERT INTO messages (conversation_id, sender_id, client_id, text, ciphertext, nonce, envelopes)
            SELECT i.conversation_id, i.sender_id, i.client_id, i.text, i.ciphertext, i.nonce, i.envelopes::jsonb
            FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
                 AS i(conversation_id, sender_id, client_id, text, ciphertext, nonce, envelopes, ord)
            WHERE EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = i.conversation_id AND m.user_id = i.sender_id)
            ORDER BY i.ord
            ON CONFLICT (sender_id, client_id) DO NOTHING
            RETURNING id, conversation_id, sender_id, client_id, text, ciphertext, nonce, envelopes::text AS envelopes,
                      created_at, edited_at, deleted, processed_at, nextval('outbox_id_seq') AS outbox_id,
                      array(SELECT m.user_id FROM members m WHERE m.conversation_id = messages.conversation_id
                            ORDER BY m.joined_at, m.user_id) AS members
            """;
    private static final String BY_CLIENT_ID = """
            SELECT id, conversation_id, sender_id, client_id, text, ciphertext, nonce, envelopes::text AS envelopes,
                   created_at, edited_at, deleted, processed_at FROM messages WHERE sender_id = ? AND client_id = ?
            """;
    /*
     * The group's messages take consecutive positions of the event stream, in the group's order
     * (which is message id order), one event row each whatever the size of the chat. The counter
     * row is updated last and stays locked to the commit, so positions commit in order.
     */
    private static final String FOLLOW_UP = """
            WITH touched AS (
                UPDATE conversations c SET last_message_id = t.message_id, last_activity_at = now()
                FROM unnest(?::bigint[], ?::bigint[]) AS t(id, message_id) WHERE c.id = t.id
            ), outboxed AS (
                INSERT INTO outbox (id, conversation_id, payload)
                SELECT o.id, o.conversation_id, convert_to(o.payload, 'UTF8')
                FROM unnest(?::bigint[], ?::bigint[], ?::text[]) AS o(id, conversation_id, payload)
            ), head AS (
                UPDATE stream_head SET pos = pos + ? RETURNING pos
            ), events AS (
                INSERT INTO stream_events (pos, conversation_id, message_id)
                SELECT h.pos - ? + e.ord, e.conversation_id, e.message_id
                FROM head h, unnest(?::bigint[], ?::bigint[]) WITH ORDINALITY AS e(conversation_id, message_id, ord)
            )
            SELECT pos FROM head
            """;

    /** One send into an existing chat. */
    record Request(long conversationId, long senderId, String clientId, Payload payload) {
    }

    /** What a send got: the message (created or the earlier one of a retry) and, when created, its events. */
    record Result(Messaging.Sent sent, Appended appended) {
    }

    /**
     * Writes the group inside the caller's transaction. Returns, in request order, a
     * {@link Result} or the {@link ProblemException} that send is answered with; requests must not
     * repeat a (sender, client id) pair.
     */
    List<Object> write(Connection c, List<Request> requests) throws SQLException {
        Map<Long, String> kinds = lock(c, requests);
        List<Object> outcomes = new ArrayList<>(requests.size());
        List<Request> eligible = new ArrayList<>();
        for (Request r : requests) {
            outcomes.add(kinds.containsKey(r.conversationId()) ? null : Messaging.noSuchChat());
            if (kinds.containsKey(r.conversationId())) {
                eligible.add(r);
            }
        }
        List<Inserted> inserted = insert(c, eligible);
        // Returned rows are the inserted subsequence of the input, in input order.
        Map<Request, Inserted> byRequest = new HashMap<>();
        int next = 0;
        for (Request r : eligible) {
            if (next < inserted.size() && matches(inserted.get(next).message(), r)) {
                byRequest.put(r, inserted.get(next++));
            }
        }
        if (next != inserted.size()) {
            throw new IllegalStateException("Inserted rows do not follow the group's order");
        }
        List<Created> created = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            if (outcomes.get(i) != null) {
                continue;
            }
            Inserted row = byRequest.get(r);
            if (row != null) {
                created.add(new Created(i, row, kinds.get(r.conversationId())));
            } else {
                outcomes.set(i, notInserted(c, r));
            }
        }
        if (!created.isEmpty()) {
            followUp(c, created, outcomes);
        }
        return outcomes;
    }

    private Map<Long, String> lock(Connection c, List<Request> requests) throws SQLException {
        Map<Long, String> kinds = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            ps.setArray(1, c.createArrayOf("bigint", requests.stream().map(Request::conversationId).distinct().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    kinds.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return kinds;
    }

    private record Inserted(Message message, long outboxId, List<Long> members) {
    }

    private record Created(int index, Inserted row, String kind) {
    }

    private List<Inserted> insert(Connection c, List<Request> rs) throws SQLException {
        if (rs.isEmpty()) {
            return List.of();
        }
        int n = rs.size();
        Long[] conv = new Long[n];
        Long[] sender = new Long[n];
        String[] client = new String[n];
        String[] text = new String[n];
        String[] cipher = new String[n];
        String[] nonce = new String[n];
        String[] envelopes = new String[n];
        for (int i = 0; i < n; i++) {
            Request r = rs.get(i);
            conv[i] = r.conversationId();
            sender[i] = r.senderId();
            client[i] = r.clientId();
            text[i] = r.payload().text();
            cipher[i] = r.payload().ciphertext();
            nonce[i] = r.payload().nonce();
            envelopes[i] = r.payload().envelopes() == null ? null : Json.writeString(r.payload().envelopes());
        }
        List<Inserted> out = new ArrayList<>(n);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setArray(1, c.createArrayOf("bigint", conv));
            ps.setArray(2, c.createArrayOf("bigint", sender));
            ps.setArray(3, c.createArrayOf("text", client));
            ps.setArray(4, c.createArrayOf("text", text));
            ps.setArray(5, c.createArrayOf("text", cipher));
            ps.setArray(6, c.createArrayOf("text", nonce));
            ps.setArray(7, c.createArrayOf("text", envelopes));
            try (ResultSet row = ps.executeQuery()) {
                while (row.next()) {
                    Long[] members = (Long[]) row.getArray("members").getArray();
                    out.add(new Inserted(MessageStore.map(row, ""), row.getLong("outbox_id"), List.of(members)));
                }
            }
        }
        return out;
    }

    private static boolean matches(Message m, Request r) {
        return m.conversationId() == r.conversationId() && m.senderId() == r.senderId() && Objects.equals(m.clientId(), r.clientId());
    }

    /** A send that inserted nothing: a retry of an earlier client id, or the sender is not a member. */
    private Object notInserted(Connection c, Request r) throws SQLException {
        if (r.clientId() != null) {
            try (PreparedStatement ps = c.prepareStatement(BY_CLIENT_ID)) {
                ps.setLong(1, r.senderId());
                ps.setString(2, r.clientId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Message earlier = MessageStore.map(rs, "");
                        return earlier.conversationId() == r.conversationId()
                                ? new Result(new Messaging.Sent(earlier, false), null)
                                : Messaging.clientIdUsedElsewhere();
                    }
                }
            }
        }
        return Messaging.noSuchChat();
    }

    private void followUp(Connection c, List<Created> created, List<Object> outcomes) throws SQLException {
        Map<Long, Long> newest = new LinkedHashMap<>();
        int n = created.size();
        Long[] outboxIds = new Long[n];
        Long[] chats = new Long[n];
        Long[] messageIds = new Long[n];
        String[] outboxPayloads = new String[n];
        String[] eventJson = new String[n];
        Instant now = Instant.now();
        for (int k = 0; k < n; k++) {
            Created cr = created.get(k);
            Message m = cr.row().message();
            newest.merge(m.conversationId(), m.id(), Math::max);
            List<Long> recipients = cr.row().members().stream().filter(u -> u != m.senderId()).toList();
            MessageEvent event = new MessageEvent(MessageEvent.SCHEMA_VERSION, MessageEvent.CREATED + ":" + cr.row().outboxId(),
                    MessageEvent.CREATED, now, m.conversationId(), cr.kind(), m.toEvent(), recipients);
            outboxIds[k] = cr.row().outboxId();
            chats[k] = m.conversationId();
            messageIds[k] = m.id();
            outboxPayloads[k] = Json.writeString(event);
            eventJson[k] = MessageStore.createdEvent(m, cr.kind());
        }
        long last;
        try (PreparedStatement ps = c.prepareStatement(FOLLOW_UP)) {
            ps.setArray(1, c.createArrayOf("bigint", newest.keySet().toArray()));
            ps.setArray(2, c.createArrayOf("bigint", newest.values().toArray()));
            ps.setArray(3, c.createArrayOf("bigint", outboxIds));
            ps.setArray(4, c.createArrayOf("bigint", chats));
            ps.setArray(5, c.createArrayOf("text", outboxPayloads));
            ps.setInt(6, n);
            ps.setInt(7, n);
            ps.setArray(8, c.createArrayOf("bigint", chats));
            ps.setArray(9, c.createArrayOf("bigint", messageIds));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                last = rs.getLong(1);
            }
        }
        // The k-th message of the group is at the k-th of its new positions.
        long first = last - n + 1;
        for (int k = 0; k < n; k++) {
            Created cr = created.get(k);
            Appended appended = new Appended(first + k, chats[k], eventJson[k], List.of(), List.of());
            outcomes.set(cr.index(), new Result(new Messaging.Sent(cr.row().message(), true), appended));
        }
    }
}

package dev.courier.messenger.messages;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import dev.courier.messenger.conversations.Conversation;
import dev.courier.messenger.conversations.ConversationStore;
import dev.courier.messenger.conversations.Member;
import dev.courier.messenger.events.AfterCommit;
import dev.courier.messenger.events.Appended;
import dev.courier.messenger.events.Events;
import dev.courier.messenger.events.EventStream;
import dev.courier.messenger.limits.Limits;
import dev.courier.messenger.outbox.OutboxStore;
import dev.courier.messenger.users.UserDirectory;
import dev.courier.platform.db.Database;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/**
 * The rules of messages: who may send, edit, delete, read; and the one transaction that writes a
 * change together with its outbox row and its event (one, whatever the size of the chat). A chat that is not the caller's
 * answers 404, so its existence is not revealed.
 */
public final class Messaging {

    public static final int MAX_PAGE = 100;
    /*
     * Transactions writing groups of sends at once, and the most sends in one group. Fewer
     * committers than pool connections leave room for reads and the outbox relay; while one group
     * commits, the next one gathers.
     */
    private static final int COMMITTERS = 4;
    private static final int GROUP_CAP = 64;

    private final Database db;
    private final ConversationStore conversations;
    private final MessageStore messages;
    private final ChatListStore chatList;
    private final OutboxStore outbox;
    private final EventStream stream;
    private final UserDirectory users;
    private final AfterCommit afterCommit;
    private final GroupCommit groups;
    private final Limits limits;

    public Messaging(Database db, ConversationStore conversations, MessageStore messages, ChatListStore chatList,
                     OutboxStore outbox, EventStream stream, UserDirectory users, AfterCommit afterCommit, Limits limits) {
        this.db = db;
        this.limits = limits;
        this.conversations = conversations;
        this.messages = messages;
        this.chatList = chatList;
        this.outbox = outbox;
        this.stream = stream;
        this.users = users;
        this.afterCommit = afterCommit;
        this.groups = new GroupCommit(db, new SendStore(), COMMITTERS, GROUP_CAP);
    }

    /** The outcome of a send: the message and whether this call created it (false for a retry). */
    public record Sent(Message message, boolean created) {
    }

    /**
     * Sends into an existing chat ({@code conversationId}) or to a user ({@code toUserId}, creating
     * the direct chat on the first message). A repeated {@code clientId} returns the first answer.
     * Sends into existing chats are committed in groups ({@link GroupCommit}); only the first
     * message to a user, which creates the chat, has a transaction of its own.
     */
    public Sent send(Caller caller, String bearer, Long conversationId, Long toUserId, String clientId, Payload payload) {
        if ((conversationId == null) == (toUserId == null)) {
            throw ProblemException.badField(conversationId == null ? "conversationId" : "toUserId",
                    "Give exactly one of 'conversationId' or 'toUserId'.");
        }
        limits.send(caller.userId());
        long chat;
        if (toUserId != null) {
            if (toUserId <= 0) {
                throw ProblemException.badField("toUserId", "'toUserId' must be a positive integer.");
            }
            if (toUserId == caller.userId()) {
                throw ProblemException.badField("toUserId", "You cannot message yourself.");
            }
            if (!users.exists(toUserId, bearer)) {
                throw ProblemException.badField("toUserId", "There is no user " + toUserId + ".");
            }
            Optional<Long> direct = db.withConnection(c -> directId(c, Math.min(caller.userId(), toUserId), Math.max(caller.userId(), toUserId)));
            if (direct.isEmpty()) {
                return sendCreatingDirect(caller, toUserId, clientId, payload);
            }
            chat = direct.get();
        } else {
            chat = conversationId;
        }
        // A retry is recognised by the insert itself (ON CONFLICT on the sender's client id).
        SendStore.Result r = groups.send(new SendStore.Request(chat, caller.userId(), clientId, payload));
        if (r.appended() != null) {
            afterCommit.committed(List.of(r.appended()), true);
        }
        return r.sent();
    }

    /** The first message to a user: creates the direct chat and its members with the message. */
    private Sent sendCreatingDirect(Caller caller, long toUserId, String clientId, Payload payload) {
        record Outcome(Sent sent, List<Appended> appended) {
        }
        Outcome outcome = db.inTransaction(c -> {
            long id = conversations.direct(c, caller.userId(), toUserId).id();
            // The row lock serializes a chat's sends, so message ids, outbox ids and cursors follow commit order.
            Conversation conv = conversations.lock(c, id).orElseThrow(Messaging::noSuchChat);
            List<Long> members = memberIds(c, conv.id(), caller);
            Optional<Message> inserted = messages.insert(c, conv.id(), caller.userId(), clientId, payload);
            if (inserted.isEmpty()) {
                // The client id was used before (or by a concurrent retry that committed first).
                Message earlier = messages.byClientId(c, caller.userId(), clientId).orElseThrow();
                if (earlier.conversationId() != conv.id()) {
                    throw clientIdUsedElsewhere();
                }
                return new Outcome(new Sent(earlier, false), List.of());
            }
            Message m = inserted.get();
            conversations.touch(c, conv.id(), m.id());
            // The chat may be new: its members join the routing of every replica with this event.
            Appended appended = writeChange(c, conv, MessageEvent.CREATED, m, members, caller.userId(), members);
            return new Outcome(new Sent(m, true), List.of(appended));
        });
        if (outcome.sent().created()) {
            afterCommit.committed(outcome.appended(), true);
        }
        return outcome.sent();
    }

    /** Edits the author's own message; others learn it from history, the log and Kafka. */
    public Message edit(Caller caller, long messageId, Payload payload) {
        return change(caller, messageId, MessageEvent.EDITED, (c, m) -> messages.edit(c, m.id(), payload));
    }

    /** Deletes the author's own message, leaving a tombstone in history; deleting again changes nothing. */
    public Message delete(Caller caller, long messageId) {
        return change(caller, messageId, MessageEvent.DELETED, (c, m) -> messages.delete(c, m.id()));
    }

    private interface Change {
        Message apply(Connection c, Message current) throws SQLException;
    }

    private Message change(Caller caller, long messageId, String type, Change change) {
        record Outcome(Message message, List<Appended> appended) {
        }
        Outcome outcome = db.inTransaction(c -> {
            Message found = messages.byId(c, messageId).orElseThrow(Messaging::noSuchMessage);
            Conversation conv = conversations.lock(c, found.conversationId()).orElseThrow(Messaging::noSuchMessage);
            List<Long> members;
            if (conversations.member(c, conv.id(), caller.userId()).isEmpty()) {
                throw noSuchMessage();
            }
            members = conversations.members(c, conv.id()).stream().map(Member::userId).toList();
            Message current = messages.byId(c, messageId).orElseThrow(Messaging::noSuchMessage);
            if (current.senderId() != caller.userId()) {
                throw ProblemException.forbidden("Only the author can change a message.");
            }
            if (current.deleted()) {
                if (MessageEvent.DELETED.equals(type)) {
                    return new Outcome(current, List.of());
                }
                throw ProblemException.conflict("messageId", "The message was deleted.");
            }
            Message changed = change.apply(c, current);
            return new Outcome(changed, List.of(writeChange(c, conv, type, changed, members, caller.userId(), List.of())));
        });
        if (!outcome.appended().isEmpty()) {
            afterCommit.committed(outcome.appended(), true);
        }
        return outcome.message();
    }

    /** Read marker: moves forward only; every member is told. */
    public ReadMarker markRead(Caller caller, long conversationId, long messageId) {
        record Outcome(ReadMarker marker, List<Appended> appended) {
        }
        Outcome o = db.inTransaction(c -> {
            requireMember(c, conversationId, caller);
            Message m = messages.byId(c, messageId).filter(x -> x.conversationId() == conversationId)
                    .orElseThrow(() -> ProblemException.badField("messageId", "No message " + messageId + " in this chat."));
            long before = conversations.member(c, conversationId, caller.userId()).orElseThrow().lastReadMessageId();
            long now = conversations.markRead(c, conversationId, caller.userId(), m.id());
            if (now == before) {
                return new Outcome(new ReadMarker(conversationId, caller.userId(), now), List.of());
            }
            Appended appended = stream.append(c, conversationId,
                    Events.of("read", "conversationId", conversationId, "userId", caller.userId(), "messageId", now), List.of(), List.of());
            return new Outcome(new ReadMarker(conversationId, caller.userId(), now), List.of(appended));
        });
        if (!o.appended().isEmpty()) {
            afterCommit.committed(o.appended(), false);
        }
        return o.marker();
    }

    /** A member's read marker in a chat. */
    public record ReadMarker(long conversationId, long userId, long messageId) {
    }

    /** History, newest first: before a message id, after one, or the newest page. */
    public List<Message> history(Caller caller, long conversationId, Long before, Long after, int limit) {
        if (before != null && after != null) {
            throw ProblemException.badField("after", "Give 'before' or 'after', not both.");
        }
        return db.withConnection(c -> {
            requireMember(c, conversationId, caller);
            if (after != null) {
                return messages.after(c, conversationId, after, limit);
            }
            return messages.before(c, conversationId, before == null ? Long.MAX_VALUE : before, limit);
        });
    }

    /** The caller's own message sent with this client id (seed 004's clients name their messages by it). */
    public Optional<Long> ownMessageId(Caller caller, String clientId) {
        return db.withConnection(c -> messages.byClientId(c, caller.userId(), clientId).map(Message::id));
    }

    /** Checks that the chat is the caller's (for typing), or 404: one row, whatever the size of the chat. */
    public void requireMember(Caller caller, long conversationId) {
        db.withConnection(c -> {
            requireMember(c, conversationId, caller);
            return null;
        });
    }

    /** Every chat of the caller (or only direct chats), newest activity first. */
    public List<ChatSummary> chats(Caller caller, boolean includeRooms, int limit) {
        return db.withConnection(c -> chatList.chats(c, caller.userId(), includeRooms, limit));
    }

    /** Seed 000's history of the direct chat with {@code palId}: newest first, by offset. */
    public List<Message> directPage(Caller caller, long palId, long offset, int limit) {
        long low = Math.min(caller.userId(), palId);
        long high = Math.max(caller.userId(), palId);
        return db.withConnection(c -> {
            Optional<Long> id = directId(c, low, high);
            return id.isEmpty() ? List.<Message>of() : messages.page(c, id.get(), offset, limit);
        });
    }

    private static Optional<Long> directId(Connection c, long low, long high) throws SQLException {
        try (var ps = c.prepareStatement("SELECT id FROM conversations WHERE direct_low = ? AND direct_high = ?")) {
            ps.setLong(1, low);
            ps.setLong(2, high);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** The pal of a direct chat message (seed 000's {@code pal_id}), or 0 in a room. */
    public long palOf(Message m) {
        return db.withConnection(c -> conversations.find(c, m.conversationId())
                .filter(conv -> !conv.isRoom()).map(conv -> conv.pal(m.senderId())).orElse(0L));
    }

    private Appended writeChange(Connection c, Conversation conv, String type, Message m, List<Long> members, long actor,
                                 List<Long> joined) throws SQLException {
        List<Long> recipients = members.stream().filter(u -> u != actor).toList();
        outbox.add(c, conv, type, m, recipients);
        // A creation is stored by reference to the message; other changes carry the message as it was then.
        return MessageEvent.CREATED.equals(type)
                ? stream.appendMessageCreated(c, conv.id(), m.id(), MessageStore.createdEvent(m, conv.kind()), joined)
                : stream.append(c, conv.id(), Events.of(type, "conversationId", conv.id(), "conversationKind", conv.kind(), "message", m),
                        List.of(), List.of());
    }

    /** 404 unless the caller is a member of the chat. */
    private void requireMember(Connection c, long conversationId, Caller caller) throws SQLException {
        if (conversations.member(c, conversationId, caller.userId()).isEmpty()) {
            throw noSuchChat();
        }
    }

    /** The chat's member ids, or 404 when the caller is not one of them. */
    private List<Long> memberIds(Connection c, long conversationId, Caller caller) throws SQLException {
        List<Long> members = conversations.members(c, conversationId).stream().map(Member::userId).toList();
        if (!members.contains(caller.userId())) {
            throw noSuchChat();
        }
        return members;
    }

    static ProblemException clientIdUsedElsewhere() {
        return ProblemException.conflict("clientId", "This clientId was already used for a message in another chat.");
    }

    static ProblemException noSuchChat() {
        return ProblemException.notFound("No such chat.");
    }

    static ProblemException noSuchMessage() {
        return ProblemException.notFound("No such message.");
    }
}

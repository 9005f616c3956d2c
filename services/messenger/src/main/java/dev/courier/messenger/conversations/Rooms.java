package dev.courier.messenger.conversations;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.courier.messenger.events.AfterCommit;
import dev.courier.messenger.events.Appended;
import dev.courier.messenger.events.Events;
import dev.courier.messenger.events.EventStream;
import dev.courier.messenger.limits.Limits;
import dev.courier.messenger.users.UserDirectory;
import dev.courier.platform.db.Database;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/**
 * The rules of rooms. Private rooms do not exist for non-members (404). Owners and admins invite,
 * remove and rename; only the owner promotes, demotes, transfers ownership, removes admins and
 * deletes the room. Every membership change is one event of the room's stream, written in the same
 * transaction, which its members (and the user it concerns) are sent. Nothing here reads or writes
 * per member of the room, so a join costs the same in a room of ten and of ten thousand; member
 * lists come in pages.
 */
public final class Rooms {

    public static final int MAX_NAME = 64;

    private final Database db;
    private final ConversationStore store;
    private final EventStream stream;
    private final UserDirectory users;
    private final AfterCommit afterCommit;
    private final Limits limits;

    public Rooms(Database db, ConversationStore store, EventStream stream, UserDirectory users, AfterCommit afterCommit, Limits limits) {
        this.db = db;
        this.limits = limits;
        this.store = store;
        this.stream = stream;
        this.users = users;
        this.afterCommit = afterCommit;
    }

    /** Members in the first page of a room's view and at most in a page of its member list. */
    public static final int MEMBERS_PAGE = 100;

    /**
     * A room as its members (or anyone, for a public room) see it: its first {@link #MEMBERS_PAGE}
     * members in join order, how many there are, and where the member list goes on (null: no more).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RoomView(long id, String name, boolean isPrivate, long ownerId, java.time.Instant createdAt, int memberCount,
                           List<Member> members, String membersNext) {
    }

    /** A page of a room's member list; {@code next} is where the list goes on (null: no more). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MembersPage(List<Member> members, String next) {
    }

    /** One event of a room change, with the users whose membership it begins or ends. */
    private record Change(Map<String, Object> event, List<Long> joined, Map<Long, Long> left) {

        static Change of(Map<String, Object> event) {
            return new Change(event, List.of(), Map.of());
        }
    }

    public RoomView create(Caller caller, String name, boolean isPrivate) {
        String n = name(name);
        limits.createRoom(caller.userId());
        record Outcome(RoomView view, Appended appended) {
        }
        Outcome o = db.inTransaction(c -> {
            Conversation room = store.createRoom(c, n, isPrivate, caller.userId())
                    .orElseThrow(() -> ProblemException.conflict("name", "A room with this name exists."));
            Appended appended = stream.append(c, room.id(), Events.of("member.joined", "conversationId", room.id(),
                    "userId", caller.userId(), "role", Member.OWNER, "name", room.name()), List.of(caller.userId()), List.of());
            store.setJoinedPos(c, room.id(), List.of(caller.userId()), appended.pos());
            return new Outcome(view(c, store.find(c, room.id()).orElseThrow()), appended);
        });
        afterCommit.committed(List.of(o.appended()), false);
        return o.view();
    }

    public RoomView info(Caller caller, long id) {
        return db.withConnection(c -> {
            Conversation room = visibleRoom(c, id, caller);
            return view(c, room);
        });
    }

    public List<Conversation> mine(Caller caller) {
        return db.withConnection(c -> store.myRooms(c, caller.userId()));
    }

    public List<Conversation> publicRooms(int limit) {
        return db.withConnection(c -> store.publicRooms(c, limit));
    }

    /** Joins a public room; joining again changes nothing. */
    public RoomView join(Caller caller, long id) {
        return change(caller, id, (c, room, me) -> {
            if (me != null) {
                return List.of();
            }
            if (Boolean.TRUE.equals(room.isPrivate())) {
                throw noSuchRoom();
            }
            store.addMember(c, id, caller.userId(), Member.MEMBER);
            return List.of(new Change(Events.of("member.joined", "conversationId", id, "userId", caller.userId(), "role", Member.MEMBER),
                    List.of(caller.userId()), Map.of()));
        });
    }

    /** Owners and admins add a user (who must exist). */
    public RoomView invite(Caller caller, String bearer, long id, long userId) {
        if (userId <= 0 || !users.exists(userId, bearer)) {
            throw ProblemException.badField("userId", "There is no user " + userId + ".");
        }
        return change(caller, id, (c, room, me) -> {
            requireManager(me);
            if (store.member(c, id, userId).isPresent()) {
                return List.of();
            }
            store.addMember(c, id, userId, Member.MEMBER);
            return List.of(new Change(Events.of("member.joined", "conversationId", id, "userId", userId, "role", Member.MEMBER,
                    "byUserId", caller.userId(), "name", room.name()), List.of(userId), Map.of()));
        });
    }

    /**
     * Leaves a room. The owner must hand the room over first (409 naming {@code ownerId}), unless
     * they are its last member: then the room is deleted, since nobody would be left to manage it.
     */
    public void leave(Caller caller, long id) {
        change(caller, id, (c, room, me) -> {
            requireMember(me);
            if (Member.OWNER.equals(me.role())) {
                if (room.memberCount() != null && room.memberCount() > 1) {
                    throw ProblemException.conflict("ownerId",
                            "The owner cannot leave while others are members: transfer ownership first (POST /api/v1/rooms/" + id + "/owner).");
                }
                Map<Long, Long> removed = store.deleteRoom(c, id);
                // The owner is still a member for the first event and has left with the second.
                return List.of(Change.of(Events.of("member.left", "conversationId", id, "userId", caller.userId())),
                        new Change(Events.of("room.deleted", "conversationId", id, "name", room.name(), "byUserId", caller.userId()),
                                List.of(), removed));
            }
            long joined = store.removeMember(c, id, caller.userId()).orElseThrow();
            return List.of(new Change(Events.of("member.left", "conversationId", id, "userId", caller.userId()),
                    List.of(), Map.of(caller.userId(), joined)));
        });
    }

    /** Owners and admins remove members; nobody removes the owner, and only the owner removes an admin. */
    public RoomView remove(Caller caller, long id, long userId) {
        if (userId == caller.userId()) {
            throw ProblemException.badField("userId", "To leave a room, use leave.");
        }
        return change(caller, id, (c, room, me) -> {
            requireManager(me);
            Member target = store.member(c, id, userId).orElseThrow(() -> ProblemException.notFound("No such member."));
            if (Member.OWNER.equals(target.role()) || (Member.ADMIN.equals(target.role()) && !Member.OWNER.equals(me.role()))) {
                throw ProblemException.forbidden("You cannot remove this member.");
            }
            long joined = store.removeMember(c, id, userId).orElseThrow();
            return List.of(new Change(Events.of("member.removed", "conversationId", id, "userId", userId, "byUserId", caller.userId()),
                    List.of(), Map.of(userId, joined)));
        });
    }

    /** The owner makes a member an admin. */
    public RoomView promote(Caller caller, long id, long userId) {
        return change(caller, id, (c, room, me) -> {
            requireOwner(me, "Only the owner promotes members.");
            Member target = requireTarget(c, id, userId);
            if (!Member.MEMBER.equals(target.role())) {
                return List.of();
            }
            store.setRole(c, id, userId, Member.ADMIN);
            return List.of(Change.of(Events.of("member.role", "conversationId", id, "userId", userId, "role", Member.ADMIN)));
        });
    }

    /** The owner makes an admin a plain member again; demoting a plain member changes nothing. */
    public RoomView demote(Caller caller, long id, long userId) {
        return change(caller, id, (c, room, me) -> {
            requireOwner(me, "Only the owner demotes admins.");
            Member target = requireTarget(c, id, userId);
            if (Member.OWNER.equals(target.role())) {
                throw ProblemException.badField("userId", "The owner cannot be demoted; transfer ownership instead.");
            }
            if (!Member.ADMIN.equals(target.role())) {
                return List.of();
            }
            store.setRole(c, id, userId, Member.MEMBER);
            return List.of(Change.of(Events.of("member.role", "conversationId", id, "userId", userId, "role", Member.MEMBER,
                    "byUserId", caller.userId())));
        });
    }

    /** The owner hands the room to another member and stays on as an admin. */
    public RoomView transfer(Caller caller, long id, long userId) {
        return change(caller, id, (c, room, me) -> {
            requireOwner(me, "Only the owner transfers ownership.");
            if (userId == caller.userId()) {
                throw ProblemException.badField("userId", "You already own this room.");
            }
            requireTarget(c, id, userId);
            store.setRole(c, id, userId, Member.OWNER);
            store.setRole(c, id, caller.userId(), Member.ADMIN);
            store.setOwner(c, id, userId);
            return List.of(
                    Change.of(Events.of("member.role", "conversationId", id, "userId", userId, "role", Member.OWNER, "byUserId", caller.userId())),
                    Change.of(Events.of("member.role", "conversationId", id, "userId", caller.userId(), "role", Member.ADMIN,
                            "byUserId", caller.userId())));
        });
    }

    /**
     * The owner deletes the room. Every member gets a durable {@code room.deleted} event; then the
     * room is gone for everyone (404 for info, history and sends; out of every list). Its messages
     * stay in the database, unreachable, and outbox rows already written are still published, so
     * Kafka consumers see no new event type and nothing out of order.
     */
    public void delete(Caller caller, long id) {
        change(caller, id, (c, room, me) -> {
            requireOwner(me, "Only the owner deletes the room.");
            Map<Long, Long> removed = store.deleteRoom(c, id);
            return List.of(new Change(Events.of("room.deleted", "conversationId", id, "name", room.name(), "byUserId", caller.userId()),
                    List.of(), removed));
        });
    }

    public RoomView rename(Caller caller, long id, String name) {
        String n = name(name);
        return change(caller, id, (c, room, me) -> {
            requireManager(me);
            if (!store.rename(c, id, n)) {
                throw ProblemException.conflict("name", "A room with this name exists.");
            }
            return List.of(Change.of(Events.of("room.renamed", "conversationId", id, "name", n, "byUserId", caller.userId())));
        });
    }

    private interface RoomChange {
        /** @param me the caller's membership, or null */
        List<Change> apply(Connection c, Conversation room, Member me) throws SQLException;
    }

    /**
     * Runs a change under the room's row lock (so it orders with sends), then appends its events
     * to the room's stream as the transaction's last writes: the room's members are sent them,
     * and so are the users whose membership they end.
     */
    private RoomView change(Caller caller, long id, RoomChange change) {
        record Outcome(RoomView view, List<Appended> appended) {
        }
        Outcome o = db.inTransaction(c -> {
            Conversation room = store.lockRoom(c, id).orElseThrow(Rooms::noSuchRoom);
            Member me = store.member(c, id, caller.userId()).orElse(null);
            if (Boolean.TRUE.equals(room.isPrivate()) && me == null) {
                throw noSuchRoom();
            }
            List<Change> changes = change.apply(c, room, me);
            List<Appended> appended = new ArrayList<>();
            for (Change ch : changes) {
                Appended a = stream.append(c, id, ch.event(), ch.joined(), ch.left().keySet());
                if (!ch.joined().isEmpty()) {
                    store.setJoinedPos(c, id, ch.joined(), a.pos());
                }
                store.endMemberships(c, id, ch.left(), a.pos());
                appended.add(a);
            }
            Conversation now = store.find(c, id).orElseThrow();
            return new Outcome(view(c, now), appended);
        });
        if (!o.appended().isEmpty()) {
            afterCommit.committed(o.appended(), false);
        }
        return o.view();
    }

    /** A page of a room's members in join order, after {@code after} (a page's {@code next}; null for the first). */
    public MembersPage members(Caller caller, long id, String after, int limit) {
        return db.withConnection(c -> {
            visibleRoom(c, id, caller);
            Instant joinedAt = Instant.EPOCH;
            long userId = 0;
            if (after != null) {
                int dot = after.indexOf('.');
                try {
                    long micros = Long.parseLong(after.substring(0, Math.max(dot, 0)));
                    joinedAt = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
                    userId = Long.parseLong(after.substring(dot + 1));
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    throw ProblemException.badField("after", "'after' must be the 'next' of an earlier page.");
                }
            }
            List<Member> page = store.membersPage(c, id, joinedAt, userId, limit + 1);
            return pageOf(page, limit);
        });
    }

    private static MembersPage pageOf(List<Member> page, int limit) {
        if (page.size() <= limit) {
            return new MembersPage(page, null);
        }
        List<Member> shown = page.subList(0, limit);
        Member last = shown.get(limit - 1);
        return new MembersPage(List.copyOf(shown), ChronoUnit.MICROS.between(Instant.EPOCH, last.joinedAt()) + "." + last.userId());
    }

    private Conversation visibleRoom(Connection c, long id, Caller caller) throws SQLException {
        Conversation room = store.findRoom(c, id).orElseThrow(Rooms::noSuchRoom);
        if (Boolean.TRUE.equals(room.isPrivate()) && store.member(c, id, caller.userId()).isEmpty()) {
            throw noSuchRoom();
        }
        return room;
    }

    private RoomView view(Connection c, Conversation room) throws SQLException {
        MembersPage first = pageOf(store.membersPage(c, room.id(), Instant.EPOCH, 0, MEMBERS_PAGE + 1), MEMBERS_PAGE);
        return new RoomView(room.id(), room.name(), Boolean.TRUE.equals(room.isPrivate()), room.ownerId(), room.createdAt(),
                room.memberCount() == null ? first.members().size() : room.memberCount(), first.members(), first.next());
    }

    private static Member requireMember(Member me) {
        if (me == null) {
            throw ProblemException.forbidden("Only members can do this.");
        }
        return me;
    }

    private static Member requireManager(Member me) {
        if (!requireMember(me).manages()) {
            throw ProblemException.forbidden("Only the owner or an admin can do this.");
        }
        return me;
    }

    private static Member requireOwner(Member me, String detail) {
        if (!Member.OWNER.equals(requireMember(me).role())) {
            throw ProblemException.forbidden(detail);
        }
        return me;
    }

    private Member requireTarget(Connection c, long id, long userId) throws SQLException {
        return store.member(c, id, userId)
                .orElseThrow(() -> ProblemException.badField("userId", "User " + userId + " is not a member."));
    }

    static String name(String name) {
        if (name == null || name.isBlank()) {
            throw ProblemException.badField("name", "'name' is required.");
        }
        String n = name.strip();
        if (n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.badField("name", "'name' has 1 to " + MAX_NAME + " characters and no control characters.");
        }
        return n;
    }

    static ProblemException noSuchRoom() {
        return ProblemException.notFound("No such room.");
    }
}

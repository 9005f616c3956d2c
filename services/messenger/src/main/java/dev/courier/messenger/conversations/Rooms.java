package dev.courier.messenger.conversations;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.courier.messenger.events.AfterCommit;
import dev.courier.messenger.events.Appended;
import dev.courier.messenger.events.Events;
import dev.courier.messenger.events.UserEventLog;
import dev.courier.messenger.users.UserDirectory;
import dev.courier.platform.db.Database;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/**
 * The rules of rooms. Private rooms do not exist for non-members (404). Owners and admins invite,
 * remove and rename; only the owner promotes, demotes, transfers ownership, removes admins and
 * deletes the room. Every membership change is an event for the room's
 * members (and for the user it concerns), written in the same transaction.
 */
public final class Rooms {

    public static final int MAX_NAME = 64;

    private final Database db;
    private final ConversationStore store;
    private final UserEventLog log;
    private final UserDirectory users;
    private final AfterCommit afterCommit;

    public Rooms(Database db, ConversationStore store, UserEventLog log, UserDirectory users, AfterCommit afterCommit) {
        this.db = db;
        this.store = store;
        this.log = log;
        this.users = users;
        this.afterCommit = afterCommit;
    }

    /** A room with its members, as its members (or anyone, for a public room) see it. */
    public record RoomView(long id, String name, boolean isPrivate, long ownerId, java.time.Instant createdAt, List<Member> members) {
    }

    public RoomView create(Caller caller, String name, boolean isPrivate) {
        String n = name(name);
        record Outcome(RoomView view, Appended appended) {
        }
        Outcome o = db.inTransaction(c -> {
            Conversation room = store.createRoom(c, n, isPrivate, caller.userId())
                    .orElseThrow(() -> ProblemException.conflict("name", "A room with this name exists."));
            Appended appended = log.append(c, List.of(caller.userId()), Events.of("member.joined", "conversationId", room.id(),
                    "userId", caller.userId(), "role", Member.OWNER, "name", room.name()));
            return new Outcome(view(c, room), appended);
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
        return change(caller, id, (c, room, members) -> {
            if (members.stream().anyMatch(m -> m.userId() == caller.userId())) {
                return List.of();
            }
            if (Boolean.TRUE.equals(room.isPrivate())) {
                throw noSuchRoom();
            }
            store.addMember(c, id, caller.userId(), Member.MEMBER);
            return List.of(Events.of("member.joined", "conversationId", id, "userId", caller.userId(), "role", Member.MEMBER));
        });
    }

    /** Owners and admins add a user (who must exist). */
    public RoomView invite(Caller caller, String bearer, long id, long userId) {
        if (userId <= 0 || !users.exists(userId, bearer)) {
            throw ProblemException.badField("userId", "There is no user " + userId + ".");
        }
        return change(caller, id, (c, room, members) -> {
            requireManager(members, caller);
            if (members.stream().anyMatch(m -> m.userId() == userId)) {
                return List.of();
            }
            store.addMember(c, id, userId, Member.MEMBER);
            return List.of(Events.of("member.joined", "conversationId", id, "userId", userId, "role", Member.MEMBER,
                    "byUserId", caller.userId(), "name", room.name()));
        });
    }

    /**
     * Leaves a room. The owner must hand the room over first (409 naming {@code ownerId}), unless
     * they are its last member: then the room is deleted, since nobody would be left to manage it.
     */
    public void leave(Caller caller, long id) {
        change(caller, id, (c, room, members) -> {
            Member me = requireMember(members, caller);
            if (Member.OWNER.equals(me.role())) {
                if (members.size() > 1) {
                    throw ProblemException.conflict("ownerId",
                            "The owner cannot leave while others are members: transfer ownership first (POST /api/v1/rooms/" + id + "/owner).");
                }
                store.deleteRoom(c, id);
                return List.of(Events.of("member.left", "conversationId", id, "userId", caller.userId()),
                        Events.of("room.deleted", "conversationId", id, "name", room.name(), "byUserId", caller.userId()));
            }
            store.removeMember(c, id, caller.userId());
            return List.of(Events.of("member.left", "conversationId", id, "userId", caller.userId()));
        });
    }

    /** Owners and admins remove members; nobody removes the owner, and only the owner removes an admin. */
    public RoomView remove(Caller caller, long id, long userId) {
        if (userId == caller.userId()) {
            throw ProblemException.badField("userId", "To leave a room, use leave.");
        }
        return change(caller, id, (c, room, members) -> {
            Member me = requireManager(members, caller);
            Member target = members.stream().filter(m -> m.userId() == userId).findFirst()
                    .orElseThrow(() -> ProblemException.notFound("No such member."));
            if (Member.OWNER.equals(target.role()) || (Member.ADMIN.equals(target.role()) && !Member.OWNER.equals(me.role()))) {
                throw ProblemException.forbidden("You cannot remove this member.");
            }
            store.removeMember(c, id, userId);
            return List.of(Events.of("member.removed", "conversationId", id, "userId", userId, "byUserId", caller.userId()));
        });
    }

    /** The owner makes a member an admin. */
    public RoomView promote(Caller caller, long id, long userId) {
        return change(caller, id, (c, room, members) -> {
            requireOwner(members, caller, "Only the owner promotes members.");
            Member target = requireTarget(members, userId);
            if (!Member.MEMBER.equals(target.role())) {
                return List.of();
            }
            store.setRole(c, id, userId, Member.ADMIN);
            return List.of(Events.of("member.role", "conversationId", id, "userId", userId, "role", Member.ADMIN));
        });
    }

    /** The owner makes an admin a plain member again; demoting a plain member changes nothing. */
    public RoomView demote(Caller caller, long id, long userId) {
        return change(caller, id, (c, room, members) -> {
            requireOwner(members, caller, "Only the owner demotes admins.");
            Member target = requireTarget(members, userId);
            if (Member.OWNER.equals(target.role())) {
                throw ProblemException.badField("userId", "The owner cannot be demoted; transfer ownership instead.");
            }
            if (!Member.ADMIN.equals(target.role())) {
                return List.of();
            }
            store.setRole(c, id, userId, Member.MEMBER);
            return List.of(Events.of("member.role", "conversationId", id, "userId", userId, "role", Member.MEMBER,
                    "byUserId", caller.userId()));
        });
    }

    /** The owner hands the room to another member and stays on as an admin. */
    public RoomView transfer(Caller caller, long id, long userId) {
        return change(caller, id, (c, room, members) -> {
            requireOwner(members, caller, "Only the owner transfers ownership.");
            if (userId == caller.userId()) {
                throw ProblemException.badField("userId", "You already own this room.");
            }
            requireTarget(members, userId);
            store.setRole(c, id, userId, Member.OWNER);
            store.setRole(c, id, caller.userId(), Member.ADMIN);
            store.setOwner(c, id, userId);
            return List.of(
                    Events.of("member.role", "conversationId", id, "userId", userId, "role", Member.OWNER, "byUserId", caller.userId()),
                    Events.of("member.role", "conversationId", id, "userId", caller.userId(), "role", Member.ADMIN, "byUserId", caller.userId()));
        });
    }

    /**
     * The owner deletes the room. Every member gets a durable {@code room.deleted} event; then the
     * room is gone for everyone (404 for info, history and sends; out of every list). Its messages
     * stay in the database, unreachable, and outbox rows already written are still published, so
     * Kafka consumers see no new event type and nothing out of order.
     */
    public void delete(Caller caller, long id) {
        change(caller, id, (c, room, members) -> {
            requireOwner(members, caller, "Only the owner deletes the room.");
            store.deleteRoom(c, id);
            return List.of(Events.of("room.deleted", "conversationId", id, "name", room.name(), "byUserId", caller.userId()));
        });
    }

    public RoomView rename(Caller caller, long id, String name) {
        String n = name(name);
        return change(caller, id, (c, room, members) -> {
            requireManager(members, caller);
            if (!store.rename(c, id, n)) {
                throw ProblemException.conflict("name", "A room with this name exists.");
            }
            return List.of(Events.of("room.renamed", "conversationId", id, "name", n, "byUserId", caller.userId()));
        });
    }

    private interface RoomChange {
        List<Map<String, Object>> apply(Connection c, Conversation room, List<Member> members) throws SQLException;
    }

    /**
     * Runs a change under the room's row lock (so it orders with sends) and tells everyone who was
     * or is now a member.
     */
    private RoomView change(Caller caller, long id, RoomChange change) {
        record Outcome(RoomView view, List<Appended> appended) {
        }
        Outcome o = db.inTransaction(c -> {
            Conversation room = store.lockRoom(c, id).orElseThrow(Rooms::noSuchRoom);
            List<Member> before = store.members(c, id);
            if (Boolean.TRUE.equals(room.isPrivate()) && before.stream().noneMatch(m -> m.userId() == caller.userId())) {
                throw noSuchRoom();
            }
            List<Map<String, Object>> events = change.apply(c, room, before);
            Conversation now = store.find(c, id).orElseThrow();
            RoomView view = view(c, now);
            if (events.isEmpty()) {
                return new Outcome(view, List.of());
            }
            java.util.Set<Long> audience = new java.util.TreeSet<>();
            before.forEach(m -> audience.add(m.userId()));
            view.members().forEach(m -> audience.add(m.userId()));
            List<Long> notify = List.copyOf(audience);
            List<Appended> appended = new ArrayList<>();
            for (Map<String, Object> e : events) {
                appended.add(log.append(c, notify, e));
            }
            return new Outcome(view, appended);
        });
        if (!o.appended().isEmpty()) {
            afterCommit.committed(o.appended(), false);
        }
        return o.view();
    }

    private Conversation visibleRoom(Connection c, long id, Caller caller) throws SQLException {
        Conversation room = store.findRoom(c, id).orElseThrow(Rooms::noSuchRoom);
        if (Boolean.TRUE.equals(room.isPrivate()) && store.member(c, id, caller.userId()).isEmpty()) {
            throw noSuchRoom();
        }
        return room;
    }

    private RoomView view(Connection c, Conversation room) throws SQLException {
        return new RoomView(room.id(), room.name(), Boolean.TRUE.equals(room.isPrivate()), room.ownerId(), room.createdAt(),
                store.members(c, room.id()));
    }

    private static Member requireMember(List<Member> members, Caller caller) {
        return members.stream().filter(m -> m.userId() == caller.userId()).findFirst()
                .orElseThrow(() -> ProblemException.forbidden("Only members can do this."));
    }

    private static Member requireManager(List<Member> members, Caller caller) {
        Member me = requireMember(members, caller);
        if (!me.manages()) {
            throw ProblemException.forbidden("Only the owner or an admin can do this.");
        }
        return me;
    }

    private static Member requireOwner(List<Member> members, Caller caller, String detail) {
        Member me = requireMember(members, caller);
        if (!Member.OWNER.equals(me.role())) {
            throw ProblemException.forbidden(detail);
        }
        return me;
    }

    private static Member requireTarget(List<Member> members, long userId) {
        return members.stream().filter(m -> m.userId() == userId).findFirst()
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

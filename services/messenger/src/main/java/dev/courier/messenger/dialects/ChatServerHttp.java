package dev.courier.messenger.dialects;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.messenger.conversations.Conversation;
import dev.courier.messenger.conversations.Rooms;
import dev.courier.messenger.messages.Message;
import dev.courier.messenger.messages.Messaging;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Params;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/**
 * Seed 003's (chat-server) rooms and history, as its README writes them: {@code POST /create-room},
 * {@code PUT /join}, {@code PUT /invite}, {@code GET /rooms}, {@code GET /room/{roomID}},
 * {@code GET /messages/{roomID}}, with the token in a bare {@code Authorization: <token>} header.
 * A thin translation onto {@link Rooms} and {@link Messaging}: the same checks (a private room is 404
 * to non-members, only its owner or admins invite), the same events; errors are problem+json
 * naming the seed's field.
 */
public final class ChatServerHttp {

    /** Nobody's user id: a caller without a token sees public rooms only, as any non-member does. */
    private static final Caller ANONYMOUS = new Caller(0, "", Set.of());

    private final Rooms rooms;
    private final Messaging messaging;
    private final TokenVerifier verifier;

    public ChatServerHttp(Rooms rooms, Messaging messaging, TokenVerifier verifier) {
        this.rooms = rooms;
        this.messaging = messaging;
        this.verifier = verifier;
    }

    public void register(HttpRouting.Builder routing) {
        routing.post("/create-room", this::create)
                .put("/join", this::join)
                .put("/invite", this::invite)
                .get("/rooms", this::mine)
                .get("/room/{roomID}", this::info)
                .get("/messages/{roomID}", this::messages);
    }

    record CreateRoom(@JsonProperty("Name") String name, @JsonProperty("IsPrivate") Boolean isPrivate) {
    }

    record RoomRef(@JsonProperty("RoomID") Long roomId) {
    }

    record Invite(@JsonProperty("RoomID") Long roomId, @JsonProperty("UID") Long uid) {
    }

    record LastId(@JsonProperty("LastID") Long lastId) {
    }

    record Created(@JsonProperty("RoomID") long roomId) {
    }

    record RoomIds(@JsonProperty("IDs") List<Long> ids) {
    }

    /** The seed's room: {@code roomID}, {@code name}, {@code creatorUID}, {@code isPrivate}, {@code createdAt}. */
    record SeedRoom(long roomID, String name, long creatorUID, boolean isPrivate, Instant createdAt) {
    }

    /** A message as the seed's socket and history show it; an end-to-end encrypted one has no text here. */
    public record SeedMessage(long id, long roomID, long uid, String text, Instant timestamp) {

        static SeedMessage of(Message m) {
            return new SeedMessage(m.id(), m.conversationId(), m.senderId(), m.text() == null ? "" : m.text(), m.createdAt());
        }
    }

    private Caller caller(ServerRequest req) {
        return TokenVerifier.bareOrBearerToken(req).flatMap(verifier::verify)
                .orElseThrow(() -> ProblemException.unauthorized("A valid access token is required."));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Caller caller = caller(req);
        CreateRoom body = Bodies.read(req, CreateRoom.class);
        Rooms.RoomView room = seedFields(() -> rooms.create(caller, body.name(), Boolean.TRUE.equals(body.isPrivate())));
        Bodies.json(res, Status.CREATED_201, new Created(room.id()));
    }

    private void join(ServerRequest req, ServerResponse res) {
        Caller caller = caller(req);
        long room = positive("RoomID", Bodies.read(req, RoomRef.class).roomId());
        rooms.join(caller, room);
        Bodies.json(res, Map.of("status", "joined"));
    }

    private void invite(ServerRequest req, ServerResponse res) {
        Caller caller = caller(req);
        Invite body = Bodies.read(req, Invite.class);
        long room = positive("RoomID", body.roomId());
        long uid = positive("UID", body.uid());
        seedFields(() -> rooms.invite(caller, TokenVerifier.bareOrBearerToken(req).orElse(null), room, uid));
        Bodies.json(res, Map.of("status", "invited"));
    }

    private void mine(ServerRequest req, ServerResponse res) {
        Bodies.json(res, new RoomIds(rooms.mine(caller(req)).stream().map(Conversation::id).toList()));
    }

    /** The seed shows a room without a token; then only a public one is found, as for any non-member. */
    private void info(ServerRequest req, ServerResponse res) {
        Caller caller = TokenVerifier.bareOrBearerToken(req).isPresent() ? caller(req) : ANONYMOUS;
        long id = Params.positiveId("roomID", req.path().pathParameters().get("roomID"));
        Rooms.RoomView room = rooms.info(caller, id);
        Bodies.json(res, new SeedRoom(room.id(), room.name(), room.ownerId(), room.isPrivate(), room.createdAt()));
    }

    /**
     * Newest first, at most 100, older than {@code LastID} (0 or none: from the newest). The seed's
     * client sends {@code {"LastID":N}} as the body of its GET; {@code ?LastID=N} works too.
     */
    private void messages(ServerRequest req, ServerResponse res) {
        Caller caller = caller(req);
        long room = Params.positiveId("roomID", req.path().pathParameters().get("roomID"));
        Optional<Long> last = Params.optionalLong(req, "LastID");
        if (last.isEmpty() && req.content().hasEntity()) {
            last = Optional.ofNullable(Bodies.read(req, LastId.class).lastId());
        }
        long lastId = last.orElse(0L);
        if (lastId < 0) {
            throw ProblemException.badField("LastID", "'LastID' must not be negative.");
        }
        List<SeedMessage> page = messaging.history(caller, room, lastId == 0 ? null : lastId, null, Messaging.MAX_PAGE)
                .stream().map(SeedMessage::of).toList();
        Bodies.json(res, page);
    }

    private static long positive(String field, Long value) {
        if (value == null || value <= 0) {
            throw ProblemException.badField(field, "'" + field + "' must be a positive integer.");
        }
        return value;
    }

    /** Courier's errors with the seed's field names ({@code name} is {@code Name}, {@code userId} is {@code UID}). */
    private static <T> T seedFields(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ProblemException e) {
            String field = e.problem().field();
            String seed = "name".equals(field) ? "Name" : "userId".equals(field) ? "UID" : null;
            if (seed == null) {
                throw e;
            }
            var p = e.problem();
            String detail = p.detail() == null ? null : p.detail().replace("'" + field + "'", "'" + seed + "'");
            throw new ProblemException(new dev.courier.platform.http.Problem(p.type(), p.title(), p.status(), detail, seed, p.errors()));
        }
    }
}

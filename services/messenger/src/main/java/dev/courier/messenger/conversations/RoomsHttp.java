package dev.courier.messenger.conversations;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Params;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/**
 * {@code /api/v1/rooms}: create, list, see, join, invite, leave, remove, promote, demote, transfer
 * ownership, rename, delete.
 */
public final class RoomsHttp implements HttpService {

    private final Rooms rooms;
    private final TokenVerifier verifier;

    public RoomsHttp(Rooms rooms, TokenVerifier verifier) {
        this.rooms = rooms;
        this.verifier = verifier;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create)
                .get("/", this::mine)
                .get("/public", this::publicRooms)
                .get("/{id}", this::info)
                .patch("/{id}", this::rename)
                .delete("/{id}", this::delete)
                .post("/{id}/join", this::join)
                .post("/{id}/leave", this::leave)
                .get("/{id}/members", this::members)
                .post("/{id}/members", this::invite)
                .delete("/{id}/members/{userId}", this::remove)
                .post("/{id}/admins", this::promote)
                .delete("/{id}/admins/{userId}", this::demote)
                .post("/{id}/owner", this::transfer);
    }

    public record CreateRoom(String name, Boolean isPrivate) {
    }

    public record Rename(String name) {
    }

    public record UserRef(Long userId) {
    }

    private void create(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        CreateRoom body = Bodies.read(req, CreateRoom.class);
        Bodies.json(res, Status.CREATED_201, rooms.create(caller, body.name(), Boolean.TRUE.equals(body.isPrivate())));
    }

    private void mine(ServerRequest req, ServerResponse res) {
        Bodies.json(res, rooms.mine(verifier.require(req)));
    }

    private void publicRooms(ServerRequest req, ServerResponse res) {
        verifier.require(req);
        Bodies.json(res, rooms.publicRooms(Params.limit(req, "limit", 50, 200)));
    }

    private void info(ServerRequest req, ServerResponse res) {
        Bodies.json(res, rooms.info(verifier.require(req), id(req)));
    }

    /** A page of the room's members in join order: {@code ?after=} a page's {@code next}, {@code limit} up to 1,000. */
    private void members(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = id(req);
        String after = req.query().first("after").asOptional().filter(a -> !a.isEmpty()).orElse(null);
        Bodies.json(res, rooms.members(caller, id, after, Params.limit(req, "limit", Rooms.MEMBERS_PAGE, 1_000)));
    }

    private void rename(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = id(req);
        Bodies.json(res, rooms.rename(caller, id, Bodies.read(req, Rename.class).name()));
    }

    private void join(ServerRequest req, ServerResponse res) {
        Bodies.json(res, rooms.join(verifier.require(req), id(req)));
    }

    private void leave(ServerRequest req, ServerResponse res) {
        rooms.leave(verifier.require(req), id(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void invite(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = id(req);
        Bodies.json(res, rooms.invite(caller, TokenVerifier.token(req).orElse(null), id, bodyUserId(req)));
    }

    private void remove(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = id(req);
        Bodies.json(res, rooms.remove(caller, id, pathUserId(req)));
    }

    private void promote(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = id(req);
        Bodies.json(res, rooms.promote(caller, id, bodyUserId(req)));
    }

    private void demote(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = id(req);
        Bodies.json(res, rooms.demote(caller, id, pathUserId(req)));
    }

    private void transfer(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = id(req);
        Bodies.json(res, rooms.transfer(caller, id, bodyUserId(req)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        rooms.delete(verifier.require(req), id(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private static long id(ServerRequest req) {
        return Params.positiveId("id", req.path().pathParameters().get("id"));
    }

    /** The member named by the path ({@code /members/{userId}}, {@code /admins/{userId}}). */
    private static long pathUserId(ServerRequest req) {
        return Params.positiveId("userId", req.path().pathParameters().get("userId"));
    }

    /** The member named by the body {@code {"userId": N}}. */
    private static long bodyUserId(ServerRequest req) {
        UserRef ref = Bodies.read(req, UserRef.class);
        if (ref.userId() == null || ref.userId() <= 0) {
            throw ProblemException.badField("userId", "'userId' must be a positive integer.");
        }
        return ref.userId();
    }
}

package dev.courier.messenger.dialects;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.messenger.messages.Message;
import dev.courier.messenger.messages.Messaging;
import dev.courier.messenger.messages.Payload;
import dev.courier.messenger.observability.MessengerMetrics;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Params;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/**
 * Seed 002's (users / messages) {@code POST /messages/send} and {@code GET /messages/history?user1=&user2=},
 * onto {@link Messaging}'s direct chats. Ids are Courier's numeric ids as strings (the seed's are
 * strings). Unlike the seed, the caller is authenticated (the bearer token {@code /users/register}
 * answers): {@code from_user_id} must be the caller, and only a participant reads a history.
 */
public final class UsersMessagesHttp {

    private final Messaging messaging;
    private final TokenVerifier verifier;

    public UsersMessagesHttp(Messaging messaging, TokenVerifier verifier) {
        this.messaging = messaging;
        this.verifier = verifier;
    }

    /** Registered before seed 003's {@code GET /messages/{roomID}}, which would otherwise take "history" for a room id. */
    public void register(HttpRouting.Builder routing) {
        routing.post("/messages/send", this::send)
                .get("/messages/history", this::history);
    }

    record SendRequest(@JsonProperty("from_user_id") String fromUserId, @JsonProperty("to_user_id") String toUserId, String text) {
    }

    /** The seed's {@code Message}. */
    public record SeedMessage(String id, @JsonProperty("from_user_id") String fromUserId, @JsonProperty("to_user_id") String toUserId,
                              String text, @JsonProperty("sent_at") Instant sentAt) {

        static SeedMessage of(Message m, long to) {
            return new SeedMessage(Long.toString(m.id()), Long.toString(m.senderId()), Long.toString(to),
                    m.text() == null ? "" : m.text(), m.createdAt());
        }
    }

    private void send(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        SendRequest body = Bodies.read(req, SendRequest.class);
        Bodies.json(res, Status.CREATED_201, send(caller, TokenVerifier.token(req).orElse(null), body.fromUserId(), body.toUserId(), body.text()));
    }

    /** A send as the seed names it; shared with the seed's gRPC {@code MessageService}. */
    public SeedMessage send(Caller caller, String bearer, String fromUserId, String toUserId, String text) {
        long from = userId("from_user_id", fromUserId);
        long to = userId("to_user_id", toUserId);
        if (from != caller.userId()) {
            throw ProblemException.forbidden("'from_user_id' must be your own id (" + caller.userId() + ").");
        }
        if (text == null) {
            throw ProblemException.badField("text", "'text' is required.");
        }
        Payload payload = Payload.of(text, null, null, null);
        Message m;
        try {
            m = MessengerMetrics.sent(MessengerMetrics.SEED, messaging.send(caller, bearer, null, to, null, payload)).message();
        } catch (ProblemException e) {
            if ("toUserId".equals(e.problem().field())) {
                throw ProblemException.badField("to_user_id", e.problem().detail().replace("'toUserId'", "'to_user_id'"));
            }
            throw e;
        }
        return SeedMessage.of(m, to);
    }

    private void history(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        String user1 = Params.query(req, "user1").orElseThrow(() -> ProblemException.badField("user1", "Query parameter 'user1' is required."));
        String user2 = Params.query(req, "user2").orElseThrow(() -> ProblemException.badField("user2", "Query parameter 'user2' is required."));
        Bodies.json(res, history(caller, user1, user2));
    }

    /**
     * The direct chat of two users, oldest first: its newest {@value Messaging#MAX_PAGE} messages.
     * Only one of the two may read it.
     */
    public List<SeedMessage> history(Caller caller, String user1, String user2) {
        long a = userId("user1", user1);
        long b = userId("user2", user2);
        long pal;
        if (a == caller.userId()) {
            pal = b;
        } else if (b == caller.userId()) {
            pal = a;
        } else {
            throw ProblemException.forbidden("Only user1 or user2 may read their history.");
        }
        List<SeedMessage> out = new ArrayList<>();
        for (Message m : messaging.directPage(caller, pal, 0, Messaging.MAX_PAGE)) {
            out.add(SeedMessage.of(m, m.senderId() == caller.userId() ? pal : caller.userId()));
        }
        Collections.reverse(out);
        return out;
    }

    private static long userId(String field, String value) {
        if (value == null) {
            throw ProblemException.badField(field, "'" + field + "' is required.");
        }
        return Params.positiveId(field, value);
    }
}

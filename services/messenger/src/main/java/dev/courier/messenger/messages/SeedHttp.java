package dev.courier.messenger.messages;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.messenger.observability.MessengerMetrics;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Params;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/**
 * Seed 000's compatibility API, exactly as written there: {@code POST /send}, {@code GET /chat},
 * {@code GET /chats}, with snake_case fields and times in Unix seconds. Only direct chats.
 */
public final class SeedHttp {

    private final Messaging messaging;
    private final TokenVerifier verifier;

    public SeedHttp(Messaging messaging, TokenVerifier verifier) {
        this.messaging = messaging;
        this.verifier = verifier;
    }

    public void register(HttpRouting.Builder routing) {
        routing.post("/send", this::send)
                .get("/chat", this::chat)
                .get("/chats", this::chats);
    }

    public record SendBody(@JsonProperty("pal_id") Long palId, String message) {
    }

    /** A message in seed 000's shape: {@code user_id} sent it, {@code pal_id} is the other user of the chat. */
    public record SeedMessage(long id,
                              @JsonProperty("pal_id") long palId,
                              @JsonProperty("user_id") long userId,
                              @JsonProperty("created_at") long createdAt,
                              String message) {

        static SeedMessage of(Message m, long palId) {
            return new SeedMessage(m.id(), palId, m.senderId(), m.createdAt().getEpochSecond(),
                    m.text() == null ? "" : m.text());
        }
    }

    private void send(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        SendBody body = Bodies.read(req, SendBody.class);
        if (body.palId() == null || body.palId() <= 0) {
            throw ProblemException.badField("pal_id", "'pal_id' must be a positive integer.");
        }
        if (body.message() == null) {
            throw ProblemException.badField("message", "'message' is required.");
        }
        Payload payload;
        try {
            payload = Payload.of(body.message(), null, null, null);
        } catch (ProblemException e) {
            throw ProblemException.badField("message", e.problem().detail().replace("'text'", "'message'"));
        }
        Message m;
        try {
            m = MessengerMetrics.sent(MessengerMetrics.SEED, messaging.send(caller, TokenVerifier.token(req).orElse(null), null, body.palId(), null, payload)).message();
        } catch (ProblemException e) {
            if ("toUserId".equals(e.problem().field())) {
                throw ProblemException.badField("pal_id", e.problem().detail());
            }
            throw e;
        }
        Bodies.json(res, SeedMessage.of(m, body.palId()));
    }

    private void chat(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long pal = Params.positiveId("pal_id", Params.query(req, "pal_id")
                .orElseThrow(() -> ProblemException.badField("pal_id", "Query parameter 'pal_id' is required.")));
        long offset = Params.optionalLong(req, "offset").orElse(0L);
        if (offset < 0) {
            throw ProblemException.badField("offset", "'offset' must not be negative.");
        }
        int limit = Params.limit(req, "limit", 50, Messaging.MAX_PAGE);
        List<SeedMessage> out = messaging.directPage(caller, pal, offset, limit).stream()
                .map(m -> SeedMessage.of(m, m.senderId() == caller.userId() ? pal : caller.userId()))
                .toList();
        Bodies.json(res, out);
    }

    private void chats(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        List<SeedMessage> out = messaging.chats(caller, false, 500).stream()
                .filter(s -> s.lastMessage() != null)
                .map(s -> {
                    Message m = s.lastMessage();
                    long pal = m.senderId() == caller.userId() ? s.palId() : caller.userId();
                    return SeedMessage.of(m, pal);
                })
                .toList();
        Bodies.json(res, out);
    }
}

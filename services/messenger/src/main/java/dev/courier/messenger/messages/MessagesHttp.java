package dev.courier.messenger.messages;

import java.util.List;
import java.util.Map;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.messenger.observability.MessengerMetrics;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Params;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/** {@code /api/v1/messages} and the message routes of {@code /api/v1/chats}. */
public final class MessagesHttp implements HttpService {

    private final Messaging messaging;
    private final TokenVerifier verifier;

    public MessagesHttp(Messaging messaging, TokenVerifier verifier) {
        this.messaging = messaging;
        this.verifier = verifier;
    }

    /** Registers {@code /api/v1/messages/**} and the message routes under {@code /api/v1/chats/**}. */
    public void register(io.helidon.webserver.http.HttpRouting.Builder routing) {
        routing.register("/api/v1/messages", this);
        routing.get("/api/v1/chats", this::chats)
                .get("/api/v1/chats/{id}/messages", this::history)
                .post("/api/v1/chats/{id}/messages", this::sendToChat)
                .post("/api/v1/chats/{id}/read", this::read);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::send)
                .patch("/{id}", this::edit)
                .delete("/{id}", this::delete);
    }

    /** Send to a chat or, with {@code toUserId}, to a user (the direct chat is created on the first message). */
    public record SendRequest(Long conversationId, Long toUserId, String clientId, String text, String ciphertext,
                              String nonce, Map<String, String> envelopes) {
    }

    public record ChatSendRequest(String clientId, String text, String ciphertext, String nonce, Map<String, String> envelopes) {
    }

    public record EditRequest(String text, String ciphertext, String nonce, Map<String, String> envelopes) {
    }

    public record ReadRequest(Long messageId) {
    }

    public record History(List<Message> messages, Long nextBefore) {
    }

    private void send(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        SendRequest body = Bodies.read(req, SendRequest.class);
        Messaging.Sent sent = MessengerMetrics.sent(MessengerMetrics.REST, messaging.send(caller, TokenVerifier.token(req).orElse(null),
                body.conversationId(), body.toUserId(), Payload.clientId(body.clientId()),
                Payload.of(body.text(), body.ciphertext(), body.nonce(), body.envelopes())));
        Bodies.json(res, Status.CREATED_201, sent.message());
    }

    private void sendToChat(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = Params.positiveId("id", req.path().pathParameters().get("id"));
        ChatSendRequest body = Bodies.read(req, ChatSendRequest.class);
        Messaging.Sent sent = MessengerMetrics.sent(MessengerMetrics.REST, messaging.send(caller, null, id, null,
                Payload.clientId(body.clientId()), Payload.of(body.text(), body.ciphertext(), body.nonce(), body.envelopes())));
        Bodies.json(res, Status.CREATED_201, sent.message());
    }

    private void edit(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = Params.positiveId("id", req.path().pathParameters().get("id"));
        EditRequest body = Bodies.read(req, EditRequest.class);
        Bodies.json(res, messaging.edit(caller, id, Payload.of(body.text(), body.ciphertext(), body.nonce(), body.envelopes())));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = Params.positiveId("id", req.path().pathParameters().get("id"));
        Bodies.json(res, messaging.delete(caller, id));
    }

    private void history(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = Params.positiveId("id", req.path().pathParameters().get("id"));
        Long before = Params.query(req, "before").map(v -> Params.positiveId("before", v)).orElse(null);
        Long after = Params.query(req, "after").map(v -> nonNegative("after", v)).orElse(null);
        int limit = Params.limit(req, "limit", 50, Messaging.MAX_PAGE);
        List<Message> page = messaging.history(caller, id, before, after, limit);
        Long next = page.size() == limit ? page.get(page.size() - 1).id() : null;
        Bodies.json(res, new History(page, next));
    }

    private void read(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        long id = Params.positiveId("id", req.path().pathParameters().get("id"));
        ReadRequest body = Bodies.read(req, ReadRequest.class);
        if (body.messageId() == null || body.messageId() <= 0) {
            throw dev.courier.platform.http.ProblemException.badField("messageId", "'messageId' must be a positive integer.");
        }
        Bodies.json(res, messaging.markRead(caller, id, body.messageId()));
    }

    private void chats(ServerRequest req, ServerResponse res) {
        Caller caller = verifier.require(req);
        Bodies.json(res, messaging.chats(caller, true, Params.limit(req, "limit", 100, 500)));
    }

    static long nonNegative(String name, String value) {
        long v = Params.parseLong(name, value);
        if (v < 0) {
            throw dev.courier.platform.http.ProblemException.badField(name, "'" + name + "' must not be negative.");
        }
        return v;
    }
}

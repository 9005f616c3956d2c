package dev.courier.messenger.dialects;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.courier.messenger.messages.Messaging;
import dev.courier.messenger.messages.Payload;
import dev.courier.messenger.observability.MessengerMetrics;
import dev.courier.messenger.realtime.Dialect;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;
import dev.courier.platform.http.Problem;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/**
 * Seed 004's (message-service) socket: {@code /ws}, first frame
 * {@code {"type":"register","token":…,"chat_id":N}} (answered {@code {"type":"registered","data":
 * {"chat_id","user_id"}}}), then {@code message}, {@code edit_message} and {@code delete_message}
 * with a {@code data} object. The end-to-end fields ({@code ciphertext}, {@code nonce},
 * {@code envelopes}) are stored and forwarded as they are, through {@link Messaging} like every
 * message; {@code data.id} is the client's id of the message (Courier's {@code clientId}, so a
 * repeated send is stored once), by which edits and deletes name it. Every socket registered in the
 * chat, the sender's too, is sent each new, edited and deleted message in the same shape;
 * {@code sender_id} and {@code created_at} are the server's. Errors are
 * {@code {"type":"error","data":{"status","title","detail","field"}}}.
 */
final class MessageServiceSocket implements Dialect {

    private static final System.Logger LOG = System.getLogger(MessageServiceSocket.class.getName());
    /** Courier's field names in errors, as the seed names them. */
    private static final Map<String, String> FIELDS = Map.of("clientId", "data.id", "ciphertext", "data.ciphertext",
            "nonce", "data.nonce", "envelopes", "data.envelopes", "messageId", "data.id", "text", "data.ciphertext");
    private static final Set<String> DATA_FIELDS = Set.of("id", "sender_id", "message_type", "ciphertext", "nonce", "envelopes", "created_at");

    private final Dialect.Socket socket;
    private final Messaging messaging;
    /** The chat this socket registered in (0: none yet). Frames are handled one at a time; the writer reads it. */
    private volatile long chat;

    MessageServiceSocket(Dialect.Socket socket, Messaging messaging) {
        this.socket = socket;
        this.messaging = messaging;
    }

    @Override
    public void received(String frame) {
        try {
            JsonNode node = read(frame);
            if (node == null || !node.isObject()) {
                throw ProblemException.badRequest("A frame is a JSON object with a 'type'.");
            }
            String type = node.path("type").isTextual() ? node.get("type").asText() : "";
            if ("register".equals(type)) {
                register(node);
                return;
            }
            if (!Set.of("message", "edit_message", "delete_message").contains(type)) {
                throw ProblemException.badField("type", "Unknown frame type '" + type + "'.");
            }
            Caller caller = socket.caller();
            if (caller == null || chat == 0) {
                throw ProblemException.unauthorized("Register first: {\"type\":\"register\",\"token\":…,\"chat_id\":N}.");
            }
            JsonNode data = node.get("data");
            if (data == null || !data.isObject()) {
                throw ProblemException.badField("data", "A '" + type + "' frame needs a 'data' object.");
            }
            switch (type) {
                case "message" -> {
                    sender(caller, data);
                    MessengerMetrics.sent(MessengerMetrics.SEED,
                            messaging.send(caller, socket.token(), chat, null, Payload.clientId(optionalText(data, "id")), payload(data)));
                }
                case "edit_message" -> {
                    sender(caller, data);
                    messaging.edit(caller, messageId(caller, data), payload(data));
                }
                default -> messaging.delete(caller, messageId(caller, data));
            }
        } catch (ProblemException e) {
            error(e.problem());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A message-service frame failed", e);
            error(Problem.of(500, "Internal error", "Unexpected error; it has been logged."));
        }
    }

    /** Authenticates the socket (or renews its token) and moves it to a chat of the user's. */
    private void register(JsonNode node) {
        JsonNode token = node.get("token");
        if (token == null || !token.isTextual() || token.asText().isBlank()) {
            throw ProblemException.badField("token", "A 'token' is required.");
        }
        JsonNode chatId = node.get("chat_id");
        if (chatId == null || !chatId.isIntegralNumber() || !chatId.canConvertToLong() || chatId.asLong() <= 0) {
            throw ProblemException.badField("chat_id", "'chat_id' must be a positive integer.");
        }
        long next = chatId.asLong();
        long before = chat;
        boolean first = socket.caller() == null;
        Caller caller;
        try {
            caller = socket.authenticate(token.asText());
        } catch (ProblemException e) {
            if (first) {
                socket.close(errorFrame(e.problem()), SeedSockets.UNAUTHORIZED, "unauthorized");
                return;
            }
            throw e;
        }
        try {
            messaging.requireMember(caller, next);
        } catch (ProblemException e) {
            chat = before;
            throw new ProblemException(Problem.field(404, "chat_id", "No such chat."));
        }
        chat = next;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("chat_id", next);
        data.put("user_id", caller.userId());
        socket.send(frame("registered", data));
    }

    /** The seed's client sends its user's id; Courier's sender is the token's user, and another id is refused. */
    private static void sender(Caller caller, JsonNode data) {
        JsonNode s = data.get("sender_id");
        if (s != null && !s.isNull() && (!s.isIntegralNumber() || s.asLong() != caller.userId())) {
            throw new ProblemException(new Problem("about:blank", "Forbidden", 403,
                    "'sender_id' must be your own user id (" + caller.userId() + ").", "data.sender_id", null));
        }
        JsonNode kind = data.get("message_type");
        if (kind != null && !kind.isNull() && !"text".equals(kind.asText(null))) {
            throw ProblemException.badField("data.message_type", "Only 'text' messages are stored.");
        }
        data.fieldNames().forEachRemaining(f -> {
            if (!DATA_FIELDS.contains(f)) {
                throw ProblemException.badField("data." + f, "Unknown field 'data." + f + "'.");
            }
        });
    }

    private static Payload payload(JsonNode data) {
        Map<String, String> envelopes = null;
        JsonNode e = data.get("envelopes");
        if (e != null && !e.isNull()) {
            if (!e.isObject()) {
                throw ProblemException.badField("data.envelopes", "'envelopes' must be an object of strings.");
            }
            envelopes = new HashMap<>();
            for (var entry : e.properties()) {
                if (!entry.getValue().isTextual()) {
                    throw ProblemException.badField("data.envelopes." + entry.getKey(), "An envelope must be a string.");
                }
                envelopes.put(entry.getKey(), entry.getValue().asText());
            }
        }
        String ciphertext = optionalText(data, "ciphertext");
        if (ciphertext == null) {
            throw ProblemException.badField("data.ciphertext", "A message needs a 'ciphertext'.");
        }
        return Payload.of(null, ciphertext, optionalText(data, "nonce"), envelopes);
    }

    /** The message named by {@code data.id}: the caller's own client id, else Courier's numeric id. */
    private long messageId(Caller caller, JsonNode data) {
        String id = optionalText(data, "id");
        if (id == null && data.path("id").isIntegralNumber()) {
            id = data.get("id").asText();
        }
        if (id == null || id.isEmpty() || id.length() > 64) {
            throw ProblemException.badField("data.id", "'data.id' names the message (the id it was sent with).");
        }
        var own = messaging.ownMessageId(caller, id);
        if (own.isPresent()) {
            return own.get();
        }
        if (id.chars().allMatch(Character::isDigit) && id.length() < 19) {
            return Long.parseLong(id);
        }
        throw ProblemException.notFound("No such message.");
    }

    private static String optionalText(JsonNode data, String field) {
        JsonNode v = data.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ProblemException.badField("data." + field, "'" + field + "' must be a string.");
        }
        return v.asText();
    }

    @Override
    public String translate(String courierFrame) {
        JsonNode f = read(courierFrame);
        if (f == null) {
            return null;
        }
        String type = f.path("type").asText();
        long in = chat;
        boolean here = in != 0 && f.path("conversationId").asLong() == in;
        if (here && MessageEvent.CREATED.equals(type)) {
            return frame("message", data(f.path("message")));
        }
        if (here && MessageEvent.EDITED.equals(type)) {
            return frame("edit_message", data(f.path("message")));
        }
        if (here && MessageEvent.DELETED.equals(type)) {
            JsonNode m = f.path("message");
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", seedId(m));
            data.put("sender_id", m.path("senderId").asLong());
            return frame("delete_message", data);
        }
        if ("error".equals(type)) {
            return errorFrame(new Problem(null, f.path("title").asText("Error"), f.path("status").asInt(400),
                    f.path("detail").asText(null), f.path("field").asText(null), null));
        }
        if ("revoked".equals(type)) {
            return errorFrame(Problem.of(401, "Unauthorized", "The session was revoked."));
        }
        // Courier's other frames (ready, acks, presence, typing, read markers) have no counterpart.
        return null;
    }

    /** A message as the seed shows it; one sent without a client id is named by Courier's id. */
    private static Map<String, Object> data(JsonNode m) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", seedId(m));
        data.put("server_id", m.path("id").asLong());
        data.put("sender_id", m.path("senderId").asLong());
        data.put("message_type", "text");
        if (m.hasNonNull("ciphertext")) {
            data.put("ciphertext", m.get("ciphertext").asText());
            data.put("nonce", m.path("nonce").asText());
            data.put("envelopes", m.has("envelopes") ? m.get("envelopes") : Map.of());
        } else {
            // A message sent through Courier's API in plain text.
            data.put("text", m.path("text").asText(""));
        }
        data.put("created_at", m.path("createdAt").asText());
        if (m.hasNonNull("editedAt")) {
            data.put("edited_at", m.get("editedAt").asText());
        }
        return data;
    }

    private static String seedId(JsonNode m) {
        return m.hasNonNull("clientId") ? m.get("clientId").asText() : m.path("id").asText();
    }

    private static String frame(String type, Object data) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", type);
        out.put("data", data);
        return Json.writeString(out);
    }

    private void error(Problem p) {
        socket.send(errorFrame(p));
    }

    private static String errorFrame(Problem p) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", p.status());
        data.put("title", p.title());
        if (p.detail() != null) {
            data.put("detail", p.detail());
        }
        String field = p.field() == null ? null : FIELDS.getOrDefault(p.field(), p.field());
        if (field != null) {
            data.put("field", field);
        }
        return frame("error", data);
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}

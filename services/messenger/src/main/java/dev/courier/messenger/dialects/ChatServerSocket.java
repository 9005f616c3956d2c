package dev.courier.messenger.dialects;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.courier.messenger.messages.Message;
import dev.courier.messenger.messages.Messaging;
import dev.courier.messenger.messages.Payload;
import dev.courier.messenger.observability.MessengerMetrics;
import dev.courier.messenger.realtime.Dialect;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/**
 * Seed 003's (chat-server) socket: {@code /ws?token=} with a token from its {@code PUT /login}.
 * {@code {"Type":"enter","RoomID":N}} puts the socket in a chat of the user's (0 leaves it),
 * answered {@code {"type":"enter"}}; {@code {"Type":"message","Text":"…"}} sends into that chat
 * through {@link Messaging} (stored, outbox, Kafka, as every message), answered
 * {@code {"type":"sent","messageID","timestamp"}}. Every socket in the chat, the sender's too, gets
 * each new message as {@code {"type":"message","id","roomID","uid","text","timestamp"}}; errors are
 * {@code {"type":"error","error":"…"}} with the seed's own texts where it has one ("not in room",
 * "not room member", "already in room", "invalid room id", "invalid operation"). Field names are
 * matched without regard to case, as the seed's Go server matches them.
 */
final class ChatServerSocket implements Dialect {

    private static final System.Logger LOG = System.getLogger(ChatServerSocket.class.getName());

    private final Dialect.Socket socket;
    private final Messaging messaging;
    /** The chat this socket is in (0: none). Frames are handled one at a time; the writer reads it. */
    private volatile long room;

    ChatServerSocket(Dialect.Socket socket, Messaging messaging) {
        this.socket = socket;
        this.messaging = messaging;
    }

    @Override
    public void received(String frame) {
        try {
            Map<String, JsonNode> fields = fields(frame);
            if (fields == null) {
                error("invalid json");
                return;
            }
            Caller caller = socket.caller();
            if (caller == null) {
                socket.close(errorFrame("unauthorized: open the socket with ?token=<token from PUT /login>"),
                        SeedSockets.UNAUTHORIZED, "unauthorized");
                return;
            }
            JsonNode type = fields.get("type");
            switch (type != null && type.isTextual() ? type.asText() : "") {
                case "enter" -> enter(caller, fields.get("roomid"));
                case "message" -> message(caller, fields.get("text"));
                default -> error("invalid operation");
            }
        } catch (ProblemException e) {
            error(e.problem().status() == 404 ? "not room member" : seedText(e));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A chat-server frame failed", e);
            error("internal error");
        }
    }

    private void enter(Caller caller, JsonNode roomId) {
        if (roomId == null || !roomId.canConvertToLong() || !roomId.isIntegralNumber() || roomId.asLong() < 0) {
            error("invalid room id");
            return;
        }
        long next = roomId.asLong();
        if (next == room) {
            error("already in room");
            return;
        }
        if (next != 0) {
            // 404 for a chat the user is not in, private or not: answered "not room member".
            messaging.requireMember(caller, next);
        }
        room = next;
        socket.send(Json.writeString(Map.of("type", "enter")));
    }

    private void message(Caller caller, JsonNode text) {
        long in = room;
        if (in == 0) {
            error("not in room");
            return;
        }
        if (text == null || !text.isTextual()) {
            error("'Text' must be a string.");
            return;
        }
        Message m = MessengerMetrics.sent(MessengerMetrics.SEED,
                messaging.send(caller, socket.token(), in, null, null, Payload.of(text.asText(), null, null, null))).message();
        Map<String, Object> sent = new LinkedHashMap<>();
        sent.put("type", "sent");
        sent.put("messageID", m.id());
        sent.put("timestamp", m.createdAt());
        socket.send(Json.writeString(sent));
    }

    @Override
    public String translate(String courierFrame) {
        JsonNode f = read(courierFrame);
        if (f == null) {
            return null;
        }
        String type = f.path("type").asText();
        long in = room;
        if (MessageEvent.CREATED.equals(type) && in != 0 && f.path("conversationId").asLong() == in) {
            JsonNode m = f.path("message");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", "message");
            out.put("id", m.path("id").asLong());
            out.put("roomID", in);
            out.put("uid", m.path("senderId").asLong());
            // An end-to-end encrypted message has no text the server could show.
            out.put("text", m.path("text").asText(""));
            out.put("timestamp", m.path("createdAt").asText());
            return Json.writeString(out);
        }
        if ("error".equals(type)) {
            return errorFrame(f.path("detail").asText(f.path("title").asText("error")));
        }
        if ("revoked".equals(type)) {
            return errorFrame("session revoked");
        }
        // Courier's other frames (ready, acks, presence, typing, read markers, edits) have no counterpart.
        return null;
    }

    private void error(String text) {
        socket.send(errorFrame(text));
    }

    private static String errorFrame(String text) {
        return Json.writeString(Map.of("type", "error", "error", text));
    }

    /** Courier's message with the seed's field name. */
    private static String seedText(ProblemException e) {
        String detail = e.problem().detail() == null ? e.problem().title() : e.problem().detail();
        return detail.replace("'text'", "'Text'");
    }

    /** The frame's fields by lower-cased name (Go's encoding/json matches names without regard to case), or null. */
    private static Map<String, JsonNode> fields(String frame) {
        JsonNode node = read(frame);
        if (node == null || !node.isObject()) {
            return null;
        }
        Map<String, JsonNode> out = new HashMap<>();
        node.properties().forEach(e -> out.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
        return out;
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}

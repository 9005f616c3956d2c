package dev.courier.messenger.realtime;

import java.util.List;
import java.util.Map;

import dev.courier.messenger.events.Events;
import dev.courier.messenger.events.Signals;
import dev.courier.messenger.messages.Messaging;
import dev.courier.messenger.messages.Payload;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/**
 * What a client may do over the socket, with the same rules as REST: send, edit, delete, mark
 * read (acknowledged with the result) and typing (ephemeral, not acknowledged).
 */
public final class Commands {

    private final Messaging messaging;
    private final Signals signals;

    public Commands(Messaging messaging, Signals signals) {
        this.messaging = messaging;
        this.signals = signals;
    }

    public record AuthFrame(String type, String requestId, String token, Long cursor) {
    }

    public record ResumeFrame(String type, String requestId, Long cursor) {
    }

    public record SendFrame(String type, String requestId, Long conversationId, Long toUserId, String clientId,
                            String text, String ciphertext, String nonce, Map<String, String> envelopes) {
    }

    public record EditFrame(String type, String requestId, Long messageId, String text, String ciphertext, String nonce,
                            Map<String, String> envelopes) {
    }

    public record DeleteFrame(String type, String requestId, Long messageId) {
    }

    public record ReadFrame(String type, String requestId, Long conversationId, Long messageId) {
    }

    public record TypingFrame(String type, String requestId, Long conversationId) {
    }

    /** Runs one command; returns the acknowledgement's result, or null when none is due. */
    Object handle(Caller caller, String token, String type, byte[] frame) {
        return switch (type) {
            case "send" -> {
                SendFrame f = Bodies.parse(frame, SendFrame.class);
                yield messaging.send(caller, token, f.conversationId(), f.toUserId(), Payload.clientId(f.clientId()),
                        Payload.of(f.text(), f.ciphertext(), f.nonce(), f.envelopes())).message();
            }
            case "edit" -> {
                EditFrame f = Bodies.parse(frame, EditFrame.class);
                yield messaging.edit(caller, id("messageId", f.messageId()), Payload.of(f.text(), f.ciphertext(), f.nonce(), f.envelopes()));
            }
            case "delete" -> messaging.delete(caller, id("messageId", Bodies.parse(frame, DeleteFrame.class).messageId()));
            case "read" -> {
                ReadFrame f = Bodies.parse(frame, ReadFrame.class);
                yield messaging.markRead(caller, id("conversationId", f.conversationId()), id("messageId", f.messageId()));
            }
            case "typing" -> {
                TypingFrame f = Bodies.parse(frame, TypingFrame.class);
                long conversation = id("conversationId", f.conversationId());
                List<Long> others = messaging.otherMembers(caller, conversation);
                signals.ephemeral(others, Events.of("typing", "conversationId", conversation, "userId", caller.userId()));
                yield null;
            }
            default -> throw ProblemException.badField("type", "Unknown frame type '" + type + "'.");
        };
    }

    private static long id(String field, Long value) {
        if (value == null || value <= 0) {
            throw ProblemException.badField(field, "'" + field + "' must be a positive integer.");
        }
        return value;
    }
}

package dev.courier.messenger.realtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.courier.messenger.events.Events;
import dev.courier.messenger.events.Signals;
import dev.courier.messenger.messages.Messaging;
import dev.courier.messenger.messages.Payload;
import dev.courier.messenger.observability.MessengerMetrics;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/**
 * What a client may do over the socket, with the same rules as REST: send, edit, delete, mark
 * read (acknowledged with the result) and typing (ephemeral, not acknowledged).
 *
 * <p>Typing is rate-limited per user and chat on this instance: at most one signal every
 * {@code typingMillis}; the excess is dropped silently (no error, no fan-out), since clients send
 * typing on every keystroke and each signal costs a membership read and a Redis publish.
 */
public final class Commands {

    /** Default of {@code courier.messenger.ws.typingmillis}. */
    public static final long TYPING_MILLIS = 2_000;
    /** When the table of recent typing signals grows past this, stale entries are swept out. */
    private static final int TYPING_SWEEP_AT = 10_000;

    private final Messaging messaging;
    private final Signals signals;
    private final long typingMillis;
    private final ConcurrentHashMap<TypingKey, Long> lastTyping = new ConcurrentHashMap<>();

    private record TypingKey(long userId, long conversationId) {
    }

    public Commands(Messaging messaging, Signals signals) {
        this(messaging, signals, TYPING_MILLIS);
    }

    public Commands(Messaging messaging, Signals signals, long typingMillis) {
        this.messaging = messaging;
        this.signals = signals;
        this.typingMillis = typingMillis;
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
                yield MessengerMetrics.sent(MessengerMetrics.WS, messaging.send(caller, token, f.conversationId(), f.toUserId(),
                        Payload.clientId(f.clientId()), Payload.of(f.text(), f.ciphertext(), f.nonce(), f.envelopes())).message());
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
                TypingKey key = new TypingKey(caller.userId(), conversation);
                long now = System.nanoTime();
                if (!reserveTyping(key, now)) {
                    yield null;
                }
                try {
                    messaging.requireMember(caller, conversation);
                } catch (RuntimeException e) {
                    // Not a member (or the chat is gone): the refusal is answered, and does not count.
                    lastTyping.remove(key, now);
                    throw e;
                }
                signals.ephemeralToChat(conversation, caller.userId(),
                        Events.of("typing", "conversationId", conversation, "userId", caller.userId()));
                yield null;
            }
            default -> throw ProblemException.badField("type", "Unknown frame type '" + type + "'.");
        };
    }

    /** True when this typing signal may go out (and records it); false when it came too soon. */
    private boolean reserveTyping(TypingKey key, long now) {
        long interval = typingMillis * 1_000_000L;
        boolean[] allowed = {false};
        lastTyping.compute(key, (k, last) -> {
            if (last != null && now - last < interval) {
                return last;
            }
            allowed[0] = true;
            return now;
        });
        if (allowed[0] && lastTyping.size() > TYPING_SWEEP_AT) {
            lastTyping.values().removeIf(t -> now - t >= interval);
        }
        return allowed[0];
    }

    private static long id(String field, Long value) {
        if (value == null || value <= 0) {
            throw ProblemException.badField(field, "'" + field + "' must be a positive integer.");
        }
        return value;
    }
}

package dev.courier.messenger.dialects;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.courier.messenger.messages.Messaging;
import dev.courier.messenger.realtime.Dialect;
import dev.courier.platform.security.TokenDialect;

/**
 * Tells the seeds' sockets on {@code /ws} from Courier's by what the client sends (the rule the
 * AsyncAPI document states):
 * <ul>
 * <li>a socket opened with a token from seed 003's {@code PUT /login} (its {@link TokenDialect}
 * claim) speaks seed 003 ({@link ChatServerSocket}); a not yet authenticated socket whose first
 * frame has seed 003's capitalised {@code Type} is told, in seed 003's shape, that it needs one;</li>
 * <li>a socket not authenticated at the upgrade whose first frame is one of seed 004's types
 * ({@code register}, {@code message}, {@code edit_message}, {@code delete_message}; none is a
 * Courier frame type) speaks seed 004 ({@link MessageServiceSocket});</li>
 * <li>everything else is Courier's protocol, exactly as before.</li>
 * </ul>
 */
public final class SeedSockets implements Dialect.Chooser {

    /** Close code for a socket that is not (or no longer) authenticated, as Courier's. */
    static final int UNAUTHORIZED = 4401;

    private static final Set<String> MESSAGE_SERVICE_TYPES = Set.of("register", "message", "edit_message", "delete_message");

    private final Messaging messaging;

    public SeedSockets(Messaging messaging) {
        this.messaging = messaging;
    }

    @Override
    public Dialect byToken(String token, Dialect.Socket socket) {
        return TokenDialect.of(token).filter(TokenDialect.CHAT_SERVER::equals).isPresent()
                ? new ChatServerSocket(socket, messaging) : null;
    }

    @Override
    public Dialect byFirstFrame(JsonNode frame, Dialect.Socket socket) {
        JsonNode type = frame.get("type");
        if (type != null && type.isTextual() && MESSAGE_SERVICE_TYPES.contains(type.asText())) {
            return new MessageServiceSocket(socket, messaging);
        }
        if (type == null && frame.path("Type").isTextual()) {
            return new ChatServerSocket(socket, messaging);
        }
        return null;
    }
}

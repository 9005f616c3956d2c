package dev.courier.messenger.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;

/**
 * Renders the {@code message.created} events the log keeps by reference: each one from its message
 * as it is when read (an edited message shows its new text, a deleted one no content).
 */
@FunctionalInterface
public interface MessageCreatedEvents {

    /** The event JSON (without cursor) of each of these messages that exists, by message id. */
    Map<Long, String> render(Connection c, Collection<Long> messageIds) throws SQLException;
}

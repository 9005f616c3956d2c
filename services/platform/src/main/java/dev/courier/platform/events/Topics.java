package dev.courier.platform.events;

import java.util.List;

/** Kafka topic names, versioned by suffix so an incompatible contract gets a new topic. */
public final class Topics {

    /** Message created/edited/deleted; key = conversation id, so events of a chat stay ordered. */
    public static final String MESSAGES = "courier.messages.v1";
    /** The stats service's "processed" mark; key = conversation id. */
    public static final String MESSAGES_PROCESSED = "courier.messages.processed.v1";
    /** Notifications that exhausted their retries. */
    public static final String NOTIFICATIONS_DLQ = "courier.notifications.dlq.v1";

    public static final List<String> ALL = List.of(MESSAGES, MESSAGES_PROCESSED, NOTIFICATIONS_DLQ);

    private Topics() {
    }
}

package dev.courier.notifier.delivery;

import java.time.Instant;

/**
 * A notification that could not be delivered, published on {@code courier.notifications.dlq.v1}
 * (key = user id) for inspection or replay.
 *
 * @param endpointOrigin only the push service's origin: the full endpoint is a capability URL
 * @param lastStatus     the push service's last HTTP status, 0 when it never answered
 */
public record DeadLetter(int schemaVersion,
                         String eventId,
                         long userId,
                         long conversationId,
                         long messageId,
                         String channel,
                         Long subscriptionId,
                         String endpointOrigin,
                         int attempts,
                         int lastStatus,
                         String reason,
                         Instant failedAt) {

    public static final int SCHEMA_VERSION = 1;
}

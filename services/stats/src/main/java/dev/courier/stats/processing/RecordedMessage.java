package dev.courier.stats.processing;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import dev.courier.platform.events.MessageEvent;

/**
 * What stats keeps of a created message. Recipients are distinct and never include the sender, so
 * "received" counts one per recipient per message whatever the event carried.
 */
public record RecordedMessage(long messageId, long conversationId, long senderId, long[] recipientIds,
                              Instant createdAt, String eventId) {

    /** The record of a {@code message.created} event, or empty when the event lacks what counting needs. */
    public static Optional<RecordedMessage> of(MessageEvent e) {
        if (e == null || e.message() == null || e.eventId() == null || e.conversationId() <= 0
                || e.message().id() <= 0 || e.message().senderId() <= 0 || e.message().createdAt() == null) {
            return Optional.empty();
        }
        long sender = e.message().senderId();
        long[] recipients = e.recipientIds() == null ? new long[0]
                : e.recipientIds().stream().filter(r -> r != null && r > 0 && r != sender)
                        .mapToLong(Long::longValue).distinct().sorted().toArray();
        return Optional.of(new RecordedMessage(e.message().id(), e.conversationId(), sender, recipients,
                e.message().createdAt(), e.eventId()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordedMessage r && r.messageId == messageId && r.conversationId == conversationId
                && r.senderId == senderId && Arrays.equals(r.recipientIds, recipientIds)
                && r.createdAt.equals(createdAt) && r.eventId.equals(eventId);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(messageId);
    }

    @Override
    public String toString() {
        return "RecordedMessage[" + messageId + " in " + conversationId + " from " + senderId + " to "
                + Arrays.toString(recipientIds) + " at " + createdAt + "]";
    }
}

package dev.courier.platform.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Published by stats on {@link Topics#MESSAGES_PROCESSED} once a message is durably counted. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessageProcessedEvent(int schemaVersion,
                                    String eventId,
                                    long messageId,
                                    long conversationId,
                                    Instant processedAt) {

    public static final int SCHEMA_VERSION = 1;
}

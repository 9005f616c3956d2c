package dev.courier.platform.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An event on {@link Topics#MESSAGES}. Consumers are idempotent by {@code eventId} and must ignore
 * fields they do not know (new optional fields do not bump {@code schemaVersion}; a breaking change
 * gets a new topic).
 *
 * @param schemaVersion  contract version, currently {@value #SCHEMA_VERSION}
 * @param eventId        unique per event (the outbox row's id, prefixed by the type)
 * @param type           {@link #CREATED}, {@link #EDITED} or {@link #DELETED}
 * @param occurredAt     when the change was committed
 * @param conversationId the chat; also the Kafka key
 * @param conversationKind {@code direct} or {@code room}
 * @param message        the message as it is after the change
 * @param recipientIds   every member except the sender, at the time of the change
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageEvent(int schemaVersion,
                           String eventId,
                           String type,
                           Instant occurredAt,
                           long conversationId,
                           String conversationKind,
                           Message message,
                           List<Long> recipientIds) {

    public static final int SCHEMA_VERSION = 1;
    public static final String CREATED = "message.created";
    public static final String EDITED = "message.edited";
    public static final String DELETED = "message.deleted";

    /**
     * The message. Either {@code text} or the end-to-end encrypted triple ({@code ciphertext},
     * {@code nonce}, {@code envelopes}) is set; the server never reads the latter.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Message(long id,
                          long senderId,
                          String text,
                          String ciphertext,
                          String nonce,
                          Map<String, String> envelopes,
                          Instant createdAt,
                          Instant editedAt,
                          boolean deleted) {

        public boolean encrypted() {
            return ciphertext != null;
        }
    }
}

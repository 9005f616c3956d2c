package dev.courier.messenger.messages;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.courier.platform.events.MessageEvent;

/**
 * A message as clients see it. Either {@code text} or the end-to-end encrypted triple
 * ({@code ciphertext}, {@code nonce}, {@code envelopes}) is set; a deleted message keeps neither.
 * {@code processed} is the stats service's mark.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(long id,
                      long conversationId,
                      long senderId,
                      String clientId,
                      String text,
                      String ciphertext,
                      String nonce,
                      Map<String, String> envelopes,
                      Instant createdAt,
                      Instant editedAt,
                      boolean deleted,
                      boolean processed) {

    public MessageEvent.Message toEvent() {
        return new MessageEvent.Message(id, senderId, text, ciphertext, nonce, envelopes, createdAt, editedAt, deleted);
    }
}

package dev.courier.messenger.messages;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of a user's conversation list: the chat, its newest message and the user's unread count.
 *
 * @param palId for a direct chat, the other user
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatSummary(long id,
                          String kind,
                          String name,
                          Boolean isPrivate,
                          Long palId,
                          Message lastMessage,
                          long unread,
                          long lastReadMessageId,
                          Instant lastActivityAt) {
}

package dev.courier.messenger.conversations;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A chat: {@code direct} between two users, or a {@code room} with a name, a visibility and an owner.
 *
 * @param palId for a direct chat seen by one of its two users, the other one
 * @param memberCount for a room, how many members it has
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Conversation(long id,
                           String kind,
                           String name,
                           Boolean isPrivate,
                           Long ownerId,
                           Long directLow,
                           Long directHigh,
                           Instant createdAt,
                           Instant lastActivityAt,
                           Integer memberCount) {

    public static final String DIRECT = "direct";
    public static final String ROOM = "room";

    public boolean isRoom() {
        return ROOM.equals(kind);
    }

    /** For a direct chat, the member who is not {@code userId}. */
    public long pal(long userId) {
        return directLow == userId ? directHigh : directLow;
    }
}

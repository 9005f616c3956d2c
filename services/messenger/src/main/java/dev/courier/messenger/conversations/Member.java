package dev.courier.messenger.conversations;

import java.time.Instant;

/** A member of a chat with a role ({@code owner}, {@code admin}, {@code member}) and a read marker. */
public record Member(long userId, String role, Instant joinedAt, long lastReadMessageId) {

    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";

    /** Owners and admins manage membership. */
    public boolean manages() {
        return OWNER.equals(role) || ADMIN.equals(role);
    }
}

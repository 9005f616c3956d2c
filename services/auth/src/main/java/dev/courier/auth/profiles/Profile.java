package dev.courier.auth.profiles;

import java.time.Instant;
import java.util.List;

import dev.courier.auth.users.User;

/** What the owner sees of their account. */
public record Profile(long id, String username, String email, String displayName, List<String> roles, Instant createdAt) {

    public static Profile of(User u) {
        return new Profile(u.id(), u.username(), u.email(), u.displayName(), u.roles(), u.createdAt());
    }

    /** What everyone else may see: no email, no roles. */
    public PublicProfile publicView() {
        return new PublicProfile(id, username, displayName);
    }

    public record PublicProfile(long id, String username, String displayName) {
    }
}

package dev.courier.auth.users;

import java.time.Instant;
import java.util.List;

/** A stored account. The password hash never leaves the service; only a verified email is ever mailed. */
public record User(long id, String username, String email, String displayName, String passwordHash,
                   List<String> roles, Instant createdAt, boolean emailVerified) {
}

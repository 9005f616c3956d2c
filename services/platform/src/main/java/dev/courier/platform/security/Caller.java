package dev.courier.platform.security;

import java.util.Set;

/** The authenticated user behind a request: the JWT's {@code sub}, {@code sid} and {@code roles}. */
public record Caller(long userId, String sessionId, Set<String> roles) {

    /** Operators grant it by adding "admin" to the user's roles in auth (see the README). */
    public static final String ADMIN = "admin";

    public boolean isAdmin() {
        return roles.contains(ADMIN);
    }
}

package dev.courier.auth.sessions;

import java.time.Instant;

/** One signed-in device. */
public record Session(String id, long userId, String userAgent, String address, Instant createdAt, Instant lastUsedAt) {
}

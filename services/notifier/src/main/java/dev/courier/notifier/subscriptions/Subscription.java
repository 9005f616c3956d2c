package dev.courier.notifier.subscriptions;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A browser's push subscription: where to send (endpoint) and how to encrypt (p256dh, auth). */
public record Subscription(long id, @JsonIgnore long userId, String endpoint, @JsonIgnore String p256dh,
                           @JsonIgnore String auth, Instant createdAt) {
}

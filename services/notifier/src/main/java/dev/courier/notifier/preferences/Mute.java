package dev.courier.notifier.preferences;

import java.time.Instant;

/** No notifications for {@code chatId} until {@code until}. */
public record Mute(long chatId, Instant until) {
}

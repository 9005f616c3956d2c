package dev.courier.messenger.outbox;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * Outbox relay tuning from {@code courier.messenger.outbox}.
 *
 * @param poll       how often the relay looks for rows when no local send woke it
 * @param linger     how long a woken relay waits for more commits before publishing
 * @param maxBackoff the longest pause between retries while Kafka is unreachable
 * @param keepSent   how long published rows stay in the table (for inspection) before they are pruned
 * @param lease      how long the publishing role stays with a replica that stopped renewing it
 */
public record RelaySettings(Duration poll, Duration linger, Duration maxBackoff, Duration keepSent, Duration lease) {

    public static RelaySettings from(Config outbox) {
        return new RelaySettings(Duration.ofMillis(outbox.get("pollmillis").asLong().orElse(500L)),
                Duration.ofMillis(outbox.get("lingermillis").asLong().orElse(10L)),
                Duration.ofMillis(outbox.get("maxbackoffmillis").asLong().orElse(5_000L)),
                Duration.ofSeconds(outbox.get("keepsentseconds").asLong().orElse(0L)),
                Duration.ofMillis(outbox.get("leasemillis").asLong().orElse(5_000L)));
    }
}

package dev.courier.notifier.push;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class PushSenderTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        assertThat(PushSender.retryAfter(Optional.of("120"), NOW), is(Optional.of(Duration.ofSeconds(120))));
        assertThat(PushSender.retryAfter(Optional.of("Mon, 23 Nov 2026 10:00:30 GMT"), NOW), is(Optional.of(Duration.ofSeconds(30))));
        assertThat(PushSender.retryAfter(Optional.of("Mon, 23 Nov 2026 09:00:00 GMT"), NOW), is(Optional.of(Duration.ZERO)));
        assertThat(PushSender.retryAfter(Optional.of("soon"), NOW), is(Optional.empty()));
        assertThat(PushSender.retryAfter(Optional.empty(), NOW), is(Optional.empty()));
    }
}

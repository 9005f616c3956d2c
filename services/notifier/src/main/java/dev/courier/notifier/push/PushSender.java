package dev.courier.notifier.push;

import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;

/**
 * Sends one encrypted push message to one subscription's endpoint (RFC 8030 with RFC 8291/8292),
 * only to an address {@link PushTargets} allows: Helidon's WebClient takes its addresses from the
 * targets' resolver, so the address checked is the address connected to, and TLS still verifies
 * the push service's certificate against its name.
 */
public final class PushSender {

    private final Http1Client http;
    private final PushTargets targets;
    private final Vapid vapid;
    private final Clock clock;

    public PushSender(Vapid vapid, PushTargets targets, Clock clock) {
        this.vapid = vapid;
        this.targets = targets;
        this.clock = clock;
        this.http = Http1Client.builder()
                .dnsResolver(targets.resolver())
                .proxy(Proxy.noProxy())
                .followRedirects(false)
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(15))
                .build();
    }

    public Vapid vapid() {
        return vapid;
    }

    /**
     * @param ttlSeconds how long the push service may keep the message for an offline device
     * @param urgency    {@code very-low}, {@code low}, {@code normal} or {@code high} (RFC 8030 5.3)
     * @param topic      replaces an undelivered earlier message with the same topic (at most 32 base64url chars)
     */
    public Result send(String endpoint, String p256dh, String auth, byte[] payload, int ttlSeconds, String urgency, String topic) {
        long start = System.nanoTime();
        URI uri = URI.create(endpoint);
        // A subscription stored under older rules (or before the allow-list changed) is checked again.
        Optional<String> refusal = targets.refusal(uri);
        if (refusal.isPresent()) {
            return Result.refused(refusal.get(), elapsedMillis(start));
        }
        Base64.Decoder b64 = Base64.getUrlDecoder();
        byte[] body = PushEncryption.encrypt(payload, b64.decode(p256dh), b64.decode(auth));
        var request = http.post().uri(uri)
                .header(HeaderNames.create("TTL"), Integer.toString(ttlSeconds))
                .header(HeaderNames.create("Urgency"), urgency)
                .header(HeaderNames.CONTENT_ENCODING, "aes128gcm")
                .header(HeaderNames.CONTENT_TYPE, "application/octet-stream")
                .header(HeaderNames.AUTHORIZATION, vapid.authorization(uri, clock.instant()));
        if (topic != null) {
            request.header(HeaderNames.create("Topic"), topic);
        }
        try (Http1ClientResponse response = request.submit(body)) {
            return new Result(response.status().code(), retryAfter(response.headers().first(HeaderNames.RETRY_AFTER), clock.instant()),
                    elapsedMillis(start), null, false);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof PushTargets.Refused refused) {
                    return Result.refused(refused.getMessage(), elapsedMillis(start));
                }
            }
            if (e instanceof UncheckedIOException) {
                // No connection, no answer in time, a TLS failure: the service may be back later.
                return new Result(0, Optional.empty(), elapsedMillis(start), e.toString(), false);
            }
            throw e;
        }
    }

    /** Retry-After as delta-seconds or an HTTP-date (RFC 9110 10.2.3). */
    static Optional<Duration> retryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String v = header.get().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException ignored) {
                return Optional.empty();
            }
        }
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * What the push service answered.
     *
     * @param status  HTTP status, or 0 when the request failed before an answer (connection, timeout)
     * @param refused the endpoint is not a push service the notifier may reach ({@link PushTargets}); nothing was sent
     */
    public record Result(int status, Optional<Duration> retryAfter, long latencyMillis, String error, boolean refused) {

        static Result refused(String why, long latencyMillis) {
            return new Result(0, Optional.empty(), latencyMillis, why, true);
        }

        public boolean delivered() {
            return status >= 200 && status < 300;
        }

        /** The subscription has expired or was unsubscribed: delete it. */
        public boolean gone() {
            return status == 404 || status == 410;
        }

        /** Worth trying again later: throttled, a server error, or no answer at all. */
        public boolean retryable() {
            return !refused && (status == 0 || status == 429 || status >= 500);
        }
    }
}

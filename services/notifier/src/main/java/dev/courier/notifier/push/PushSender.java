package dev.courier.notifier.push;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;

/** Sends one encrypted push message to one subscription's endpoint (RFC 8030 with RFC 8291/8292). */
public final class PushSender {

    private final HttpClient http;
    private final Vapid vapid;
    private final Clock clock;

    public PushSender(Vapid vapid, Clock clock) {
        this.vapid = vapid;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
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
        Base64.Decoder b64 = Base64.getUrlDecoder();
        byte[] body = PushEncryption.encrypt(payload, b64.decode(p256dh), b64.decode(auth));
        URI uri = URI.create(endpoint);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(15))
                .header("TTL", Integer.toString(ttlSeconds))
                .header("Urgency", urgency)
                .header("Content-Encoding", "aes128gcm")
                .header("Content-Type", "application/octet-stream")
                .header("Authorization", vapid.authorization(uri, clock.instant()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (topic != null) {
            request.header("Topic", topic);
        }
        long start = System.nanoTime();
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return new Result(response.statusCode(), retryAfter(response.headers().firstValue("Retry-After"), clock.instant()),
                    elapsedMillis(start), null);
        } catch (IOException e) {
            return new Result(0, Optional.empty(), elapsedMillis(start), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(0, Optional.empty(), elapsedMillis(start), "interrupted");
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
     * @param status HTTP status, or 0 when the request failed before an answer (connection, timeout)
     */
    public record Result(int status, Optional<Duration> retryAfter, long latencyMillis, String error) {

        public boolean delivered() {
            return status >= 200 && status < 300;
        }

        /** The subscription has expired or was unsubscribed: delete it. */
        public boolean gone() {
            return status == 404 || status == 410;
        }

        /** Worth trying again later: throttled, a server error, or no answer at all. */
        public boolean retryable() {
            return status == 0 || status == 429 || status >= 500;
        }
    }
}

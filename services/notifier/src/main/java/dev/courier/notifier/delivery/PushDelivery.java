package dev.courier.notifier.delivery;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;


import dev.courier.notifier.push.PushSender;
import dev.courier.notifier.push.Vapid;
import dev.courier.notifier.subscriptions.Subscription;
import dev.courier.notifier.subscriptions.SubscriptionStore;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;

/**
 * One push message to one subscription, with the push service's answers acted on: 2xx done,
 * 404/410 deletes the subscription, 429/5xx/no answer retried with exponential backoff (or the
 * service's Retry-After), and after the last attempt a dead letter.
 *
 * <p>Each subscription is isolated from the others: every attempt runs on its own virtual thread,
 * at most {@code perOrigin} at once per push service, and a request the HTTP client cannot even
 * make (an endpoint it refuses with a runtime exception) is recorded as rejected and dead-lettered.
 * A push service that never answers thus delays only its own subscribers.
 */
public final class PushDelivery {

    private static final System.Logger LOG = System.getLogger(PushDelivery.class.getName());

    /**
     * @param attempts   total tries per subscription
     * @param backoff    delay before the second try; doubled (with jitter) for each further one
     * @param maxDelay   upper bound of any one wait, including a Retry-After the service asks for
     * @param ttlSeconds how long the push service keeps a message for an offline browser
     */
    public record Policy(int attempts, Duration backoff, Duration maxDelay, int ttlSeconds) {
    }

    private final PushSender sender;
    private final SubscriptionStore subscriptions;
    private final DeliveryLog log;
    private final DeadLetters deadLetters;
    private final Policy policy;
    private final Clock clock;
    private final Executor retries;
    private final int perOrigin;
    private final Map<String, Semaphore> origins = new ConcurrentHashMap<>();

    /**
     * @param retries   runs every attempt (a virtual-thread executor: each try blocks on HTTP)
     * @param perOrigin requests in flight at once to one push service
     */
    public PushDelivery(PushSender sender, SubscriptionStore subscriptions, DeliveryLog log,
                        DeadLetters deadLetters, Policy policy, Clock clock, Executor retries, int perOrigin) {
        this.perOrigin = perOrigin;
        this.sender = sender;
        this.subscriptions = subscriptions;
        this.log = log;
        this.deadLetters = deadLetters;
        this.policy = policy;
        this.clock = clock;
        this.retries = retries;
    }

    /**
     * Starts the first attempt on {@code retries} and returns at once; retries run later without
     * holding a thread while they wait. Completes with true once delivered, false once given up
     * (never exceptionally).
     */
    public CompletableFuture<Boolean> deliver(MessageEvent event, long userId, Subscription s, byte[] payload, String urgency, String topic) {
        return CompletableFuture.supplyAsync(() -> attempt(event, userId, s, payload, urgency, topic, 1), retries)
                .thenCompose(f -> f)
                .exceptionally(e -> {
                    LOG.log(Level.ERROR, "Push to subscription " + s.id() + " for event " + event.eventId() + " failed", e);
                    return false;
                });
    }

    /** One request, within the push service's share of concurrent requests; a client-side failure is a rejection. */
    private PushSender.Result send(Subscription s, byte[] payload, String urgency, String topic) {
        String origin;
        try {
            origin = Vapid.origin(URI.create(s.endpoint()));
        } catch (RuntimeException e) {
            return new PushSender.Result(-1, java.util.Optional.empty(), 0, e.toString(), false);
        }
        Semaphore permits = origins.computeIfAbsent(origin, o -> new Semaphore(perOrigin));
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PushSender.Result(0, java.util.Optional.empty(), 0, "interrupted", false);
        }
        try {
            return sender.send(s.endpoint(), s.p256dh(), s.auth(), payload, policy.ttlSeconds(), urgency, topic);
        } catch (RuntimeException e) {
            // E.g. a host the HTTP client refuses (a trailing dot): no retry can fix it.
            return new PushSender.Result(-1, java.util.Optional.empty(), 0, e.toString(), false);
        } finally {
            permits.release();
        }
    }

    private CompletableFuture<Boolean> attempt(MessageEvent event, long userId, Subscription s, byte[] payload, String urgency,
                                               String topic, int attempt) {
        PushSender.Result r = send(s, payload, urgency, topic);
        if (r.refused()) {
            // Checked when it was subscribed, but not a push service now (its name points elsewhere,
            // or the operator's allow-list changed): nothing was sent, and no retry will change it.
            record(event, userId, s, attempt, null, "refused", r.latencyMillis());
            deadLetter(event, userId, DeliveryLog.PUSH, s.id(), origin(s), attempt, 0, "refused: " + r.error());
            return CompletableFuture.completedFuture(false);
        }
        if (r.status() < 0) {
            record(event, userId, s, attempt, null, "rejected", r.latencyMillis());
            deadLetter(event, userId, DeliveryLog.PUSH, s.id(), origin(s), attempt, 0, "cannot send: " + r.error());
            return CompletableFuture.completedFuture(false);
        }
        if (r.delivered()) {
            record(event, userId, s, attempt, r.status(), "delivered", r.latencyMillis());
            return CompletableFuture.completedFuture(true);
        }
        if (r.gone()) {
            record(event, userId, s, attempt, r.status(), "gone", r.latencyMillis());
            subscriptions.delete(s.id());
            return CompletableFuture.completedFuture(false);
        }
        if (!r.retryable()) {
            record(event, userId, s, attempt, r.status(), "rejected", r.latencyMillis());
            deadLetter(event, userId, DeliveryLog.PUSH, s.id(), origin(s), attempt, r.status(), "rejected with HTTP " + r.status());
            return CompletableFuture.completedFuture(false);
        }
        Integer status = r.status() == 0 ? null : r.status();
        if (attempt >= policy.attempts()) {
            record(event, userId, s, attempt, status, "failed", r.latencyMillis());
            deadLetter(event, userId, DeliveryLog.PUSH, s.id(), origin(s), attempt, r.status(), r.status() == 0
                    ? "no answer: " + r.error() : "still HTTP " + r.status() + " after " + attempt + " attempts");
            return CompletableFuture.completedFuture(false);
        }
        record(event, userId, s, attempt, status, "retry", r.latencyMillis());
        Executor later = CompletableFuture.delayedExecutor(delay(attempt, r).toMillis(), TimeUnit.MILLISECONDS, retries);
        return CompletableFuture.supplyAsync(() -> attempt(event, userId, s, payload, urgency, topic, attempt + 1), later)
                .thenCompose(f -> f);
    }

    Duration delay(int attempt, PushSender.Result result) {
        Duration exp = policy.backoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        // Jitter spreads retries of many subscriptions hit by one outage.
        long jitter = (long) (exp.toMillis() * 0.2 * ThreadLocalRandom.current().nextDouble());
        Duration d = exp.plusMillis(jitter);
        if (result.retryAfter().isPresent() && result.retryAfter().get().compareTo(d) > 0) {
            d = result.retryAfter().get();
        }
        return d.compareTo(policy.maxDelay()) > 0 ? policy.maxDelay() : d;
    }

    /** Records an attempt; a database hiccup costs the record, never the delivery. */
    private void record(MessageEvent event, long userId, Subscription s, int attempt, Integer status, String outcome, long latencyMillis) {
        NotifierMetrics.push(outcome, latencyMillis);
        try {
            log.record(event.eventId(), userId, DeliveryLog.PUSH, s.id(), attempt, status, outcome, latencyMillis);
        } catch (RuntimeException e) {
            DeliveryLog.count(DeliveryLog.PUSH, outcome);
            LOG.log(Level.WARNING, "Cannot record push attempt for event " + event.eventId() + ": " + e);
        }
    }

    private static String origin(Subscription s) {
        try {
            return Vapid.origin(URI.create(s.endpoint()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Publishes a dead letter (key = user id) for a notification given up on. */
    void deadLetter(MessageEvent event, long userId, String channel, Long subscriptionId, String origin, int attempts, int lastStatus,
                    String reason) {
        DeadLetter letter = new DeadLetter(DeadLetter.SCHEMA_VERSION, event.eventId(), userId, event.conversationId(),
                event.message().id(), channel, subscriptionId, origin, attempts, lastStatus, reason, clock.instant());
        deadLetters.publish(Long.toString(userId), Json.write(letter), event.eventId());
    }
}

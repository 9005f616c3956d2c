package dev.courier.notifier.delivery;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.courier.notifier.push.PushSender;
import dev.courier.notifier.push.Vapid;
import dev.courier.notifier.subscriptions.Subscription;
import dev.courier.notifier.subscriptions.SubscriptionStore;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;

/**
 * One push message to one subscription, with the push service's answers acted on: 2xx done,
 * 404/410 deletes the subscription, 429/5xx/no answer retried with exponential backoff (or the
 * service's Retry-After), and after the last attempt a dead letter.
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
    private final Producer<String, byte[]> deadLetters;
    private final Policy policy;
    private final Clock clock;
    private final Executor retries;

    /** @param retries runs the retries (a virtual-thread executor: each try blocks on HTTP) */
    public PushDelivery(PushSender sender, SubscriptionStore subscriptions, DeliveryLog log,
                        Producer<String, byte[]> deadLetters, Policy policy, Clock clock, Executor retries) {
        this.sender = sender;
        this.subscriptions = subscriptions;
        this.log = log;
        this.deadLetters = deadLetters;
        this.policy = policy;
        this.clock = clock;
        this.retries = retries;
    }

    /**
     * Makes the first attempt on the calling thread; retries run later on {@code retries} without
     * holding a thread while they wait. Completes with true once delivered.
     */
    public CompletableFuture<Boolean> deliver(MessageEvent event, long userId, Subscription s, byte[] payload, String urgency, String topic) {
        return attempt(event, userId, s, payload, urgency, topic, 1);
    }

    private CompletableFuture<Boolean> attempt(MessageEvent event, long userId, Subscription s, byte[] payload, String urgency,
                                               String topic, int attempt) {
        PushSender.Result r = sender.send(s.endpoint(), s.p256dh(), s.auth(), payload, policy.ttlSeconds(), urgency, topic);
        if (r.delivered()) {
            log.record(event.eventId(), userId, DeliveryLog.PUSH, s.id(), attempt, r.status(), "delivered", r.latencyMillis());
            return CompletableFuture.completedFuture(true);
        }
        if (r.gone()) {
            log.record(event.eventId(), userId, DeliveryLog.PUSH, s.id(), attempt, r.status(), "gone", r.latencyMillis());
            subscriptions.delete(s.id());
            return CompletableFuture.completedFuture(false);
        }
        if (!r.retryable()) {
            log.record(event.eventId(), userId, DeliveryLog.PUSH, s.id(), attempt, r.status(), "rejected", r.latencyMillis());
            deadLetter(event, userId, s, attempt, r, "rejected with HTTP " + r.status());
            return CompletableFuture.completedFuture(false);
        }
        Integer status = r.status() == 0 ? null : r.status();
        if (attempt >= policy.attempts()) {
            log.record(event.eventId(), userId, DeliveryLog.PUSH, s.id(), attempt, status, "failed", r.latencyMillis());
            deadLetter(event, userId, s, attempt, r, r.status() == 0
                    ? "no answer: " + r.error() : "still HTTP " + r.status() + " after " + attempt + " attempts");
            return CompletableFuture.completedFuture(false);
        }
        log.record(event.eventId(), userId, DeliveryLog.PUSH, s.id(), attempt, status, "retry", r.latencyMillis());
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

    private void deadLetter(MessageEvent event, long userId, Subscription s, int attempts, PushSender.Result last, String reason) {
        DeadLetter letter = new DeadLetter(DeadLetter.SCHEMA_VERSION, event.eventId(), userId, event.conversationId(),
                event.message().id(), DeliveryLog.PUSH, s.id(), Vapid.origin(URI.create(s.endpoint())), attempts,
                last.status(), reason, clock.instant());
        deadLetters.send(new ProducerRecord<>(Topics.NOTIFICATIONS_DLQ, Long.toString(userId), Json.write(letter)), (md, e) -> {
            if (e != null) {
                LOG.log(Level.ERROR, "Cannot publish dead letter for event " + event.eventId(), e);
            }
        });
    }
}

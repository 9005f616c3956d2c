package dev.courier.notifier.delivery;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import redis.clients.jedis.JedisPooled;

import dev.courier.notifier.email.EmailBatcher;
import dev.courier.notifier.preferences.PreferenceStore;
import dev.courier.notifier.preferences.Preferences;
import dev.courier.notifier.subscriptions.Subscription;
import dev.courier.notifier.subscriptions.SubscriptionStore;
import dev.courier.notifier.users.UserInfo;
import dev.courier.notifier.users.Users;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;

/**
 * The rules for one new message: each recipient who is offline, has not muted the chat and allows
 * it gets a Web Push on every subscription; one without a working subscription gets it in the next
 * email digest instead.
 */
public final class Dispatcher {

    /** The presence key messenger keeps while a user has a live WebSocket (see the contract). */
    public static final String PRESENCE_PREFIX = "courier:presence:";

    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

    private final JedisPooled redis;
    private final PreferenceStore preferences;
    private final SubscriptionStore subscriptions;
    private final PushDelivery push;
    private final EmailBatcher email;
    private final Users users;
    private final Clock clock;

    public Dispatcher(JedisPooled redis, PreferenceStore preferences, SubscriptionStore subscriptions, PushDelivery push,
                      EmailBatcher email, Users users, Clock clock) {
        this.redis = redis;
        this.preferences = preferences;
        this.subscriptions = subscriptions;
        this.push = push;
        this.email = email;
        this.users = users;
        this.clock = clock;
    }

    /** Every recipient of the event who may need a notification (the sender excluded); empty for edits and deletions. */
    public static Set<Long> recipients(MessageEvent event) {
        // Edits and deletions do not notify again; an earlier notification stays as it was.
        if (!MessageEvent.CREATED.equals(event.type()) || event.message() == null || event.recipientIds() == null) {
            return Set.of();
        }
        Set<Long> recipients = new HashSet<>(event.recipientIds());
        recipients.remove(event.message().senderId());
        return recipients;
    }

    /** Whether a dispatch can start now: the presence store answers (checked before an event is claimed). */
    public void ready() {
        redis.ping();
    }

    /**
     * Notifies each of {@code recipients} on its own: a failure for one (Redis or the database
     * away, a bug tripped by one subscription) is logged and returned, and the others proceed.
     * Pushes run in the background (see {@link PushDelivery}), so no recipient waits for another's
     * push service. Throws when nothing could be started (the directory lookup failed).
     *
     * @return the recipients whose notification could not be started, to be retried
     */
    public Set<Long> dispatch(MessageEvent event, Set<Long> recipients) {
        if (recipients.isEmpty()) {
            return Set.of();
        }
        long senderId = event.message().senderId();
        Set<Long> lookup = new HashSet<>(recipients);
        lookup.add(senderId);
        Map<Long, UserInfo> known = users.find(lookup);
        String senderName = known.containsKey(senderId) ? known.get(senderId).name() : "Someone";
        Set<Long> failed = new HashSet<>();
        for (long userId : recipients) {
            try {
                notify(event, userId, senderName, known.get(userId));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Cannot notify user " + userId + " of event " + event.eventId() + ": " + e);
                failed.add(userId);
            }
        }
        return failed;
    }

    /** The last try for a recipient failed: a dead letter, so the notification is never dropped silently. */
    public void giveUp(MessageEvent event, long userId, int attempts, String reason) {
        LOG.log(Level.ERROR, "Giving up notifying user " + userId + " of event " + event.eventId() + " after " + attempts + " tries: " + reason);
        DeliveryLog.count("dispatch", "failed");
        push.deadLetter(event, userId, "dispatch", null, null, attempts, 0, reason);
    }

    private void notify(MessageEvent event, long userId, String senderName, UserInfo user) {
        if (redis.exists(PRESENCE_PREFIX + userId)) {
            // Online: messenger delivers it over the WebSocket; a notification would be noise.
            DeliveryLog.count("none", "online");
            return;
        }
        if (preferences.muted(userId, event.conversationId(), clock.instant())) {
            DeliveryLog.count("none", "muted");
            return;
        }
        Preferences prefs = preferences.get(userId);
        MessageEvent.Message m = event.message();
        String preview = prefs.previews() && !m.encrypted() ? m.text() : null;
        List<CompletableFuture<Boolean>> pushes = new ArrayList<>();
        if (prefs.push()) {
            List<Subscription> subs = subscriptions.forUser(userId);
            if (!subs.isEmpty()) {
                byte[] payload = Json.write(PushPayload.of(event.conversationId(), m.id(), m.senderId(), senderName, preview, m.encrypted()));
                String urgency = "direct".equals(event.conversationKind()) ? "high" : "normal";
                String topic = "chat-" + event.conversationId();
                for (Subscription s : subs) {
                    pushes.add(push.deliver(event, userId, s, payload, urgency, topic));
                }
            }
        }
        if (!prefs.email()) {
            return;
        }
        // Email is the fallback once every push has finished (retries included) without reaching the user.
        CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).thenRun(() -> {
            if (pushes.stream().anyMatch(CompletableFuture::join)) {
                return;
            }
            if (user == null || user.email() == null || user.email().isBlank()) {
                DeliveryLog.count(DeliveryLog.EMAIL, "no_address");
                return;
            }
            email.enqueue(event.eventId(), userId, user.email(), event.conversationId(), m.id(), senderName,
                    preview != null ? PushPayload.cut(preview) : null);
        }).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.log(Level.ERROR, "Email fallback failed for event " + event.eventId() + " user " + userId, e);
            }
        });
    }
}

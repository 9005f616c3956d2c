package dev.courier.messenger.events;

import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;

import dev.courier.platform.http.Json;

/**
 * Cross-replica hints over Redis pub/sub. A "changed" signal names users whose event log grew; each
 * replica then reads the log for its local sockets (the store is the truth, so a lost signal only
 * delays delivery until the next signal or resume). Ephemeral frames (typing, presence) travel
 * whole, because they are never stored. Revocations come from auth.
 */
public final class Signals implements AutoCloseable {

    public static final String CHANGED = "courier:messenger:changed";
    public static final String EPHEMERAL = "courier:messenger:ephemeral";
    public static final String REVOKED = "courier:sessions:revoked";

    private static final System.Logger LOG = System.getLogger(Signals.class.getName());

    private final JedisPooled redis;
    private volatile JedisPubSub subscription;
    private volatile boolean running;
    private Thread thread;

    public Signals(JedisPooled redis) {
        this.redis = redis;
    }

    /** Tells every replica that these users have new durable events. */
    public void changed(Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return;
        }
        publish(CHANGED, Json.writeString(new Changed(List.copyOf(userIds))));
    }

    /** Sends a frame that is not stored (typing, presence) to these users' sockets everywhere. */
    public void ephemeral(Collection<Long> userIds, Map<String, Object> frame) {
        if (userIds.isEmpty()) {
            return;
        }
        publish(EPHEMERAL, Json.writeString(new Ephemeral(List.copyOf(userIds), frame)));
    }

    private void publish(String channel, String message) {
        try {
            redis.publish(channel, message);
        } catch (RuntimeException e) {
            // A lost hint is healed by the next signal, the periodic sweep or the client's resume.
            LOG.log(Level.WARNING, "Redis publish on " + channel + " failed: " + e);
        }
    }

    /** Listens on a virtual thread, resubscribing with a pause when Redis goes away. */
    public void listen(Consumer<Changed> onChanged, Consumer<Ephemeral> onEphemeral, Consumer<Revoked> onRevoked) {
        running = true;
        thread = Thread.ofVirtual().name("messenger-signals").start(() -> {
            while (running) {
                JedisPubSub sub = new JedisPubSub() {
                    @Override
                    public void onMessage(String channel, String message) {
                        try {
                            byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                            switch (channel) {
                                case CHANGED -> onChanged.accept(Json.read(bytes, Changed.class));
                                case EPHEMERAL -> onEphemeral.accept(Json.read(bytes, Ephemeral.class));
                                case REVOKED -> onRevoked.accept(Json.read(bytes, Revoked.class));
                                default -> { }
                            }
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "Ignoring a malformed signal on " + channel + ": " + e.getMessage());
                        }
                    }
                };
                subscription = sub;
                try {
                    redis.subscribe(sub, CHANGED, EPHEMERAL, REVOKED);
                } catch (RuntimeException e) {
                    if (running) {
                        LOG.log(Level.WARNING, "Redis subscription lost, retrying: " + e);
                        sleep(1000);
                    }
                }
            }
        });
    }

    /** Whether the subscription is live (tests wait for it before publishing). */
    public boolean subscribed() {
        JedisPubSub s = subscription;
        return s != null && s.isSubscribed();
    }

    @Override
    public void close() {
        running = false;
        JedisPubSub s = subscription;
        if (s != null && s.isSubscribed()) {
            try {
                s.unsubscribe();
            } catch (RuntimeException ignored) {
                // Already gone with the connection.
            }
        }
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Changed(List<Long> userIds) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Ephemeral(List<Long> userIds, Map<String, Object> frame) {
    }

    /** Auth's revocation: {@code sessionId} "*" means every session of the user. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Revoked(long userId, String sessionId) {
    }
}

package dev.courier.messenger.events;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;

import dev.courier.platform.http.Json;

/**
 * Cross-replica hints over Redis pub/sub. A "changed" signal names users whose event log grew and,
 * when small enough, carries the committed events with each user's cursor, so a replica hands a
 * caught-up socket its next frame without reading it back; otherwise (or on any gap) the socket
 * reads the log, which stays the truth: a lost signal only delays delivery until the next signal,
 * the sweep or a resume. Ephemeral frames (typing, presence) travel whole, because they are never
 * stored. Revocations come from auth.
 */
public final class Signals implements AutoCloseable {

    public static final String CHANGED = "courier:messenger:changed";
    public static final String EPHEMERAL = "courier:messenger:ephemeral";
    public static final String REVOKED = "courier:sessions:revoked";

    private static final System.Logger LOG = System.getLogger(Signals.class.getName());

    /** Events larger than this (JSON characters) travel as a user id only; their sockets read the log. */
    public static final int MAX_CARRIED_JSON = 16 * 1024;
    /** At most this many (user, cursor) entries are carried in one signal; the rest travel as user ids. */
    public static final int MAX_CARRIED_ENTRIES = 1000;

    private final JedisPooled redis;
    // Tells this replica's own signals apart: its sockets were served at the commit already.
    private final String origin = java.util.UUID.randomUUID().toString();
    // How this replica's origin reads in its own signals' JSON. Inside a string value the quotes
    // would be escaped, so only the origin field itself matches.
    private final String originField = "\"origin\":\"" + origin + "\"";
    private volatile JedisPubSub subscription;
    private volatile boolean running;
    private Thread thread;

    /** Signals waiting for the publisher thread, at most this many. */
    public static final int DEFAULT_QUEUE = 10_000;

    private final BlockingQueue<Outgoing> outgoing;
    private final AtomicLong dropped = new AtomicLong();
    private volatile long lastDropWarning;
    private volatile boolean open = true;
    private final Thread publisher;

    public Signals(JedisPooled redis) {
        this(redis, DEFAULT_QUEUE);
    }

    /**
     * Publishes from one platform thread of its own: after a commit, many request (virtual) threads
     * would otherwise wait on the Redis pool at once, and on a single carrier that livelocked
     * (BENCHMARKS.md, finding 2).
     */
    public Signals(JedisPooled redis, int queue) {
        this.redis = redis;
        this.outgoing = new ArrayBlockingQueue<>(queue);
        this.publisher = Thread.ofPlatform().daemon().name("messenger-signals-publisher").start(this::publishLoop);
    }

    /**
     * Tells every replica about committed events: each user with a copy, and the events themselves
     * (bounded by {@link #MAX_CARRIED_JSON} and {@link #MAX_CARRIED_ENTRIES}); users with an event
     * not carried are listed in {@code pull}, and their sockets read the log.
     */
    public void changed(List<Appended> appended) {
        Set<Long> users = new LinkedHashSet<>();
        Set<Long> pull = new LinkedHashSet<>();
        List<Carried> carried = new ArrayList<>();
        int entries = 0;
        for (Appended a : appended) {
            boolean carry = a.json().length() <= MAX_CARRIED_JSON && entries + a.entries().size() <= MAX_CARRIED_ENTRIES;
            List<Cursor> cursors = new ArrayList<>(carry ? a.entries().size() : 0);
            for (Appended.Entry e : a.entries()) {
                users.add(e.userId());
                if (carry) {
                    cursors.add(new Cursor(e.userId(), e.cursor()));
                } else {
                    pull.add(e.userId());
                }
            }
            if (carry && !cursors.isEmpty()) {
                carried.add(new Carried(a.json(), cursors));
                entries += cursors.size();
            }
        }
        if (users.isEmpty()) {
            return;
        }
        publish(CHANGED, Json.writeString(new Changed(List.copyOf(users), List.copyOf(pull), carried, origin)));
    }

    /** Whether a signal came from this replica. */
    public boolean mine(Changed c) {
        return origin.equals(c.origin());
    }

    /** Sends a frame that is not stored (typing, presence) to these users' sockets everywhere. */
    public void ephemeral(Collection<Long> userIds, Map<String, Object> frame) {
        if (userIds.isEmpty()) {
            return;
        }
        publish(EPHEMERAL, Json.writeString(new Ephemeral(List.copyOf(userIds), frame)));
    }

    /**
     * Queues a message for the publisher thread and returns at once: a request thread never waits
     * for Redis or its pool. A full queue drops the hint (counted): every durable event is in the
     * log, which the next signal, the sweep or a resume reads.
     */
    private void publish(String channel, String message) {
        if (!outgoing.offer(new Outgoing(channel, message))) {
            long n = dropped.incrementAndGet();
            long now = System.currentTimeMillis();
            long last = lastDropWarning;
            if (now - last > 10_000) {
                lastDropWarning = now;
                LOG.log(Level.WARNING, "Redis signal queue full (" + outgoing.size() + "): " + n + " hints dropped so far");
            }
        }
    }

    private record Outgoing(String channel, String message) {
    }

    private void publishLoop() {
        while (open || !outgoing.isEmpty()) {
            Outgoing o;
            try {
                o = outgoing.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (o == null) {
                continue;
            }
            try {
                redis.publish(o.channel(), o.message());
            } catch (RuntimeException e) {
                // A lost hint is healed by the next signal, the periodic sweep or the client's resume.
                LOG.log(Level.WARNING, "Redis publish on " + o.channel() + " failed: " + e);
            }
        }
    }

    /** Hints dropped because the publish queue was full (since start). */
    public long dropped() {
        return dropped.get();
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
                            if (CHANGED.equals(channel) && message.contains(originField)) {
                                // This replica's own signal comes back too: its sockets were served
                                // at the commit, so it is dropped before being parsed.
                                return;
                            }
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
        // What is queued still goes out (briefly), so the other replicas hear of the last commits.
        open = false;
        try {
            publisher.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.interrupt();
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

    /**
     * Users whose log grew. {@code userIds} names them all (what a replica that does not know the
     * other fields acts on); {@code pull} those with an event not carried ({@code null}: all of
     * them); {@code events} the carried events; {@code origin} the publishing replica.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Changed(List<Long> userIds, List<Long> pull, List<Carried> events, String origin) {

        /** The users whose sockets must read their log. */
        public List<Long> toPull() {
            return pull == null ? userIds : pull;
        }

        public List<Carried> carried() {
            return events == null ? List.of() : events;
        }
    }

    /** A committed event as stored (JSON without its cursor) and each user's cursor for it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Carried(String json, List<Cursor> cursors) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cursor(long userId, long cursor) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Ephemeral(List<Long> userIds, Map<String, Object> frame) {
    }

    /** Auth's revocation: {@code sessionId} "*" means every session of the user. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Revoked(long userId, String sessionId) {
    }
}

package dev.courier.messenger.events;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;

import dev.courier.platform.http.Json;

/**
 * Cross-replica signals over Redis pub/sub. A "changed" signal carries the events a commit
 * appended to the stream (position, chat, JSON, membership changes): one message per batch of
 * commits, whatever the size of the chats, which every replica routes to its own sockets. A lost
 * signal leaves a gap in a replica's view of the stream, which it fills from the database, the
 * truth. Ephemeral frames (typing, presence) travel whole, to users or to a chat's members,
 * because they are never stored. Revocations come from auth.
 */
public final class Signals implements AutoCloseable {

    public static final String CHANGED = "courier:messenger:changed";
    public static final String EPHEMERAL = "courier:messenger:ephemeral";
    public static final String REVOKED = "courier:sessions:revoked";

    private static final System.Logger LOG = System.getLogger(Signals.class.getName());

    /** Events larger than this (JSON characters) travel without their JSON; replicas read them back. */
    public static final int MAX_CARRIED_JSON = 16 * 1024;

    private final JedisPooled redis;
    private final String changedChannel;
    private final String ephemeralChannel;
    // Tells this replica's own signals apart: its sockets were served at the commit already.
    private final String origin = java.util.UUID.randomUUID().toString();
    private volatile JedisPubSub subscription;
    private volatile boolean running;
    private Thread thread;

    /** Signals waiting for the publisher thread, at most this many. */
    public static final int DEFAULT_QUEUE = 10_000;
    /** Signals sent in one pipelined round trip, at most. */
    private static final int MAX_BATCH = 256;
    /** Carried event JSON merged into one "changed" message, at most (characters). */
    static final int MAX_MERGED_JSON = 64 * 1024;

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
        this(redis, queue, CHANGED, EPHEMERAL);
    }

    /**
     * On channels of their own: a test's signals (made-up positions and chats) must not reach the
     * replicas of the shared test stack, whose view of the stream they would move past its head.
     */
    public Signals(JedisPooled redis, int queue, String changedChannel, String ephemeralChannel) {
        this.changedChannel = changedChannel;
        this.ephemeralChannel = ephemeralChannel;
        this.redis = redis;
        this.outgoing = new ArrayBlockingQueue<>(queue);
        this.publisher = Thread.ofPlatform().daemon().name("messenger-signals-publisher").start(this::publishLoop);
    }

    /** Tells every replica about events committed to the stream. */
    public void changed(List<Appended> appended) {
        if (appended.isEmpty()) {
            return;
        }
        List<Appended> carried = new ArrayList<>(appended.size());
        for (Appended a : appended) {
            carried.add(a.json() != null && a.json().length() > MAX_CARRIED_JSON ? a.withoutJson() : a);
        }
        offer(new Outgoing(changedChannel, new Changed(carried, origin), null));
    }

    /** Whether a signal came from this replica. */
    public boolean mine(Changed c) {
        return origin.equals(c.origin());
    }

    /** Sends a frame that is not stored (presence) to these users' sockets everywhere. */
    public void ephemeral(Collection<Long> userIds, Map<String, Object> frame) {
        if (userIds.isEmpty()) {
            return;
        }
        offer(new Outgoing(ephemeralChannel, null, Json.writeString(new Ephemeral(List.copyOf(userIds), null, null, frame))));
    }

    /**
     * Sends a frame that is not stored (typing) to the sockets of a chat's members everywhere but
     * {@code exceptUserId}'s: one message whatever the size of the chat, routed by each replica.
     */
    public void ephemeralToChat(long conversationId, long exceptUserId, Map<String, Object> frame) {
        offer(new Outgoing(ephemeralChannel, null, Json.writeString(new Ephemeral(List.of(), conversationId, exceptUserId, frame))));
    }

    /**
     * Queues a signal for the publisher thread and returns at once: a request thread never waits
     * for Redis or its pool. A full queue drops the hint (counted): every durable event is in the
     * log, which the next signal, the sweep or a resume reads.
     */
    private void offer(Outgoing o) {
        if (!outgoing.offer(o)) {
            long n = dropped.incrementAndGet();
            long now = System.currentTimeMillis();
            long last = lastDropWarning;
            if (now - last > 10_000) {
                lastDropWarning = now;
                LOG.log(Level.WARNING, "Redis signal queue full (" + outgoing.size() + "): " + n + " hints dropped so far");
            }
        }
    }

    /** A queued signal: a "changed" hint (merged with its neighbours when sent) or a ready message. */
    private record Outgoing(String channel, Changed changed, String message) {
    }

    /**
     * Sends what is queued in batches: consecutive "changed" hints are merged into one message (at
     * most {@link #MAX_MERGED_JSON} characters of carried events), and a batch's messages go out in
     * one pipelined round trip. Under load this turns a Redis publish, a pool borrow and a parse on
     * every replica per send into one per batch; when idle, a hint still leaves at once.
     */
    private void publishLoop() {
        List<Outgoing> batch = new ArrayList<>(MAX_BATCH);
        while (open || !outgoing.isEmpty()) {
            Outgoing first;
            try {
                first = outgoing.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                continue;
            }
            batch.clear();
            batch.add(first);
            outgoing.drainTo(batch, MAX_BATCH - 1);
            List<Outgoing> messages = merge(batch);
            try (Pipeline p = redis.pipelined()) {
                for (Outgoing m : messages) {
                    p.publish(m.channel(), m.changed() != null ? wire(m.changed()) : m.message());
                }
                p.sync();
            } catch (RuntimeException e) {
                // A lost hint is healed by the next signal, the periodic sweep or the client's resume.
                LOG.log(Level.WARNING, "Redis publish of " + messages.size() + " signals failed: " + e);
            }
        }
    }

    /** Merges runs of "changed" signals, in order; other messages keep their place. */
    private List<Outgoing> merge(List<Outgoing> batch) {
        List<Outgoing> out = new ArrayList<>();
        List<Appended> events = new ArrayList<>();
        int size = 0;
        for (Outgoing o : batch) {
            Changed c = o.changed();
            int json = c == null ? 0 : c.carried().stream().mapToInt(e -> e.json() == null ? 0 : e.json().length()).sum();
            if (!events.isEmpty() && (c == null || size + json > MAX_MERGED_JSON)) {
                out.add(new Outgoing(changedChannel, new Changed(List.copyOf(events), origin), null));
                events.clear();
                size = 0;
            }
            if (c == null) {
                out.add(o);
                continue;
            }
            events.addAll(c.carried());
            size += json;
        }
        if (!events.isEmpty()) {
            out.add(new Outgoing(changedChannel, new Changed(List.copyOf(events), origin), null));
        }
        return out;
    }

    /**
     * A "changed" message on the wire: the origin, a space, the JSON. The prefix lets every
     * replica skip its own hints (its sockets were served at the commit) without parsing them.
     */
    private String wire(Changed c) {
        return origin + " " + Json.writeString(c);
    }

    /** The hint in a "changed" message, or null when this replica sent it. Plain JSON (no origin prefix) is accepted too. */
    private Changed parseChanged(String message) {
        if (message.startsWith("{")) {
            return Json.read(utf8(message), Changed.class);
        }
        int space = message.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("no origin prefix");
        }
        if (space == origin.length() && message.startsWith(origin)) {
            return null;
        }
        return Json.read(utf8(message.substring(space + 1)), Changed.class);
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
                            if (channel.equals(changedChannel)) {
                                Changed c = parseChanged(message);
                                if (c != null) {
                                    onChanged.accept(c);
                                }
                            } else if (channel.equals(ephemeralChannel)) {
                                onEphemeral.accept(Json.read(utf8(message), Ephemeral.class));
                            } else if (channel.equals(REVOKED)) {
                                onRevoked.accept(Json.read(utf8(message), Revoked.class));
                            }
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "Ignoring a malformed signal on " + channel + ": " + e.getMessage());
                        }
                    }
                };
                subscription = sub;
                try {
                    redis.subscribe(sub, changedChannel, ephemeralChannel, REVOKED);
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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Events committed to the stream by the replica {@code origin}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Changed(List<Appended> events, String origin) {

        public List<Appended> carried() {
            return events == null ? List.of() : events;
        }
    }

    /**
     * A frame that is not stored: for {@code userIds}, or (when {@code conversationId} is set) for
     * the members of that chat but {@code exceptUserId}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Ephemeral(List<Long> userIds, Long conversationId, Long exceptUserId, Map<String, Object> frame) {
    }

    /** Auth's revocation: {@code sessionId} "*" means every session of the user. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Revoked(long userId, String sessionId) {
    }
}

package dev.courier.platform.security;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

import dev.courier.platform.http.Json;
import dev.courier.platform.http.ProblemException;

/**
 * The sessions auth has revoked, so a service refuses their access tokens at once instead of at
 * expiry. Auth announces each revoked session on {@value #CHANNEL} and keeps its id under
 * {@code courier:auth:revoked:<sid>} for longer than an access token lives; that key is the truth.
 *
 * <p>Invariant: a session is treated as live only if Redis said so while this replica was
 * subscribed without a break since before the question, so any later revocation reaches it by
 * announcement. A replica that has just started, or whose subscription dropped (or stopped
 * answering pings), asks Redis on every check until it is subscribed again; each gap forgets what
 * it had learnt. A session it has heard announced is refused without asking. When Redis cannot be
 * asked, the request fails with 503 rather than trusting a token that might be revoked.
 */
public final class RevokedSessions implements AutoCloseable {

    public static final String CHANNEL = "courier:sessions:revoked";
    /** Where auth keeps a revoked session id (the session id appended). */
    public static final String KEY_PREFIX = "courier:auth:revoked:";
    /** The name of the subscriber's Redis connection ({@code CLIENT LIST} shows it). */
    public static final String CONNECTION_NAME = "courier-revocations";

    private static final System.Logger LOG = System.getLogger(RevokedSessions.class.getName());
    /**
     * How long what was learnt is kept in memory: longer than an access token lives (15 min by
     * default, with 30 s of leeway), so a token whose revocation was forgotten has expired; past
     * that, Redis is asked again.
     */
    private static final Duration RETENTION = Duration.ofHours(1);
    /** Entries kept at most per map; past this the map starts over (Redis answers meanwhile). */
    private static final int LIMIT = 200_000;
    private static final Duration PING_EVERY = Duration.ofSeconds(2);
    /** A subscription that has not answered a ping for this long is treated as broken. */
    private static final Duration SILENT_AFTER = Duration.ofSeconds(5);

    private final JedisPooled redis;
    /** Session id → when the announcement arrived (epoch millis). */
    private final ConcurrentHashMap<String, Long> revoked = new ConcurrentHashMap<>();
    /** Session id → when Redis said it was not revoked, during the current subscription. */
    private final ConcurrentHashMap<String, Long> live = new ConcurrentHashMap<>();
    /** Grows at every (re)subscription and every break, so a lookup can tell one happened meanwhile. */
    private final AtomicLong epoch = new AtomicLong();
    private volatile boolean subscribed;
    private volatile long lastPong;
    private volatile boolean running = true;
    private volatile JedisPubSub subscription;
    private final Thread listener;
    private final Thread watchdog;

    private RevokedSessions(JedisPooled redis) {
        this.redis = redis;
        this.listener = Thread.ofPlatform().daemon().name("revoked-sessions").start(this::listen);
        this.watchdog = Thread.ofPlatform().daemon().name("revoked-sessions-watchdog").start(this::watch);
    }

    /** Starts listening at once; until subscribed, every check asks Redis. */
    public static RevokedSessions start(JedisPooled redis) {
        return new RevokedSessions(redis);
    }

    /** Whether the session was revoked; throws 503 when that cannot be known. */
    public boolean isRevoked(String sessionId) {
        if (revoked.containsKey(sessionId)) {
            return true;
        }
        long at = epoch.get();
        boolean trusted = subscribed;
        if (trusted && live.containsKey(sessionId)) {
            return false;
        }
        boolean gone;
        try {
            gone = redis.exists(KEY_PREFIX + sessionId);
        } catch (JedisException e) {
            LOG.log(Level.WARNING, "Cannot check a session against Redis: " + e.getMessage());
            throw ProblemException.unavailable("Cannot check the session right now; retry shortly.");
        }
        if (gone) {
            remember(revoked, sessionId);
            return true;
        }
        // Only an answer bracketed by one unbroken subscription may be trusted later.
        if (trusted && subscribed && epoch.get() == at) {
            remember(live, sessionId);
        }
        return false;
    }

    /** Whether announcements are being received (tests wait for it). */
    public boolean subscribed() {
        return subscribed;
    }

    private void announced(String message) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(message.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "Ignoring a malformed revocation: " + message);
            return;
        }
        String sid = n.path("sessionId").asText("");
        // "*" (every session of a user) comes with an announcement per session id as well.
        if (!sid.isEmpty() && !"*".equals(sid)) {
            remember(revoked, sid);
            live.remove(sid);
        }
    }

    private static void remember(ConcurrentHashMap<String, Long> map, String sid) {
        if (map.size() >= LIMIT) {
            map.clear();
        }
        map.put(sid, System.currentTimeMillis());
    }

    private void listen() {
        while (running) {
            JedisPubSub sub = new JedisPubSub() {
                @Override
                public void onSubscribe(String channel, int count) {
                    lastPong = System.currentTimeMillis();
                    epoch.incrementAndGet();
                    subscribed = true;
                }

                @Override
                public void onMessage(String channel, String message) {
                    announced(message);
                }

                @Override
                public void onPong(String pattern) {
                    lastPong = System.currentTimeMillis();
                }
            };
            subscription = sub;
            try (Connection c = redis.getPool().getResource()) {
                new Jedis(c).clientSetname(CONNECTION_NAME);
                sub.proceed(c, CHANNEL);
            } catch (RuntimeException e) {
                if (running) {
                    LOG.log(Level.WARNING, "Revocation subscription lost, resubscribing: " + e.getMessage());
                }
            } finally {
                broken();
            }
            pause(500);
        }
    }

    /** Forgets every "not revoked" answer: announcements may have been missed. */
    private void broken() {
        subscribed = false;
        epoch.incrementAndGet();
        live.clear();
    }

    private void watch() {
        while (running) {
            pause(PING_EVERY.toMillis());
            JedisPubSub sub = subscription;
            if (!subscribed || sub == null) {
                continue;
            }
            long now = System.currentTimeMillis();
            if (now - lastPong > SILENT_AFTER.toMillis()) {
                LOG.log(Level.WARNING, "Revocation subscription silent for " + (now - lastPong) + " ms; asking Redis until it answers");
                broken();
                try {
                    sub.unsubscribe();
                } catch (RuntimeException ignored) {
                    // The connection is the problem; the listener resubscribes on a new one.
                }
                continue;
            }
            try {
                sub.ping();
            } catch (RuntimeException e) {
                broken();
            }
            long cutoff = now - RETENTION.toMillis();
            revoked.values().removeIf(t -> t < cutoff);
            live.values().removeIf(t -> t < cutoff);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        JedisPubSub sub = subscription;
        if (sub != null && subscribed) {
            try {
                sub.unsubscribe();
            } catch (RuntimeException ignored) {
                // Gone with the connection.
            }
        }
        watchdog.interrupt();
        try {
            listener.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.courier.messenger.realtime;

import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

import redis.clients.jedis.JedisPooled;

/**
 * Presence shared by every replica: {@code courier:presence:<userId>} holds the number of live
 * sockets, expires after {@value #TTL_SECONDS} s unless a heartbeat refreshes it, and is deleted
 * when the last socket closes. A crashed replica's sockets are forgotten once the key expires.
 */
public final class Presence {

    public static final int TTL_SECONDS = 60;
    private static final System.Logger LOG = System.getLogger(Presence.class.getName());

    private final JedisPooled redis;

    public Presence(JedisPooled redis) {
        this.redis = redis;
    }

    // Each change is one script, so the key is never left without its TTL (a crash between an
    // INCR and its EXPIRE would keep a user "online", and so never notified, forever).
    private static final String OPEN = """
            local n = redis.call('INCR', KEYS[1])
            redis.call('EXPIRE', KEYS[1], ARGV[1])
            return n
            """;
    private static final String CLOSE = """
            local n = redis.call('DECR', KEYS[1])
            if n <= 0 then redis.call('DEL', KEYS[1]) end
            return n
            """;
    private static final String REFRESH = """
            if redis.call('EXPIRE', KEYS[1], ARGV[1]) == 0 then
              redis.call('INCR', KEYS[1])
              redis.call('EXPIRE', KEYS[1], ARGV[1])
            end
            return 1
            """;

    public static String key(long userId) {
        return "courier:presence:" + userId;
    }

    /** A socket opened; true when the user just came online. */
    public boolean opened(long userId) {
        try {
            return script(OPEN, userId) == 1;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Presence update failed: " + e);
            return false;
        }
    }

    /** A socket closed; true when the user just went offline. */
    public boolean closed(long userId) {
        try {
            return script(CLOSE, userId) <= 0;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Presence update failed: " + e);
            return false;
        }
    }

    /** Refreshes in pipelined batches: one round trip per batch, not per user. */
    private static final int BATCH = 500;

    /**
     * Heartbeat for every user with a socket here, in pipelined batches: with tens of thousands
     * of users, one EVAL round trip each took longer than the heartbeat itself.
     */
    public void refreshAll(Collection<Long> users) {
        List<String> ttl = List.of(Long.toString(TTL_SECONDS));
        Iterator<Long> it = users.iterator();
        while (it.hasNext()) {
            try (var pipeline = redis.pipelined()) {
                for (int i = 0; i < BATCH && it.hasNext(); i++) {
                    pipeline.eval(REFRESH, List.of(key(it.next())), ttl);
                }
                pipeline.sync();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Presence refresh failed: " + e);
                return;
            }
        }
    }

    private long script(String script, long userId) {
        return (Long) redis.eval(script, List.of(key(userId)), List.of(Long.toString(TTL_SECONDS)));
    }

    public boolean online(long userId) {
        return redis.exists(key(userId));
    }
}

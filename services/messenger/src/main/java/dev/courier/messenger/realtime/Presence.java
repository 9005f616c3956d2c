package dev.courier.messenger.realtime;

import java.lang.System.Logger.Level;

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

    public static String key(long userId) {
        return "courier:presence:" + userId;
    }

    /** A socket opened; true when the user just came online. */
    public boolean opened(long userId) {
        try {
            long n = redis.incr(key(userId));
            redis.expire(key(userId), TTL_SECONDS);
            return n == 1;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Presence update failed: " + e);
            return false;
        }
    }

    /** A socket closed; true when the user just went offline. */
    public boolean closed(long userId) {
        try {
            long n = redis.decr(key(userId));
            if (n <= 0) {
                redis.del(key(userId));
                return true;
            }
            return false;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Presence update failed: " + e);
            return false;
        }
    }

    /** Heartbeat: the user still has a live socket here. */
    public void refresh(long userId) {
        try {
            if (redis.expire(key(userId), TTL_SECONDS) == 0) {
                // Expired meanwhile (a Redis restart, a long pause): count this socket again.
                redis.incr(key(userId));
                redis.expire(key(userId), TTL_SECONDS);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Presence refresh failed: " + e);
        }
    }

    public boolean online(long userId) {
        return redis.exists(key(userId));
    }
}

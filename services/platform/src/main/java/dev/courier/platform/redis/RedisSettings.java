package dev.courier.platform.redis;

import java.net.URI;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

import io.helidon.common.config.Config;

/**
 * Redis from {@code courier.redis.url}: {@code redis://[:password@]host:port[/db]} or {@code rediss://}
 * for TLS. {@code courier.redis.pool} sizes the connection pool (default {@value #DEFAULT_POOL}) and
 * {@code courier.redis.poolwaitmillis} bounds the wait for a connection.
 *
 * <p>Every pool checks its idle connections each second and replaces the broken ones: after a
 * Redis restart, a connection the server closed would otherwise sit in the pool and fail the
 * request that next borrows it, minutes later.
 */
public final class RedisSettings {

    /** How long a borrower waits for a pooled connection when {@code pool} is set, unless {@code poolwaitmillis} says. */
    public static final long DEFAULT_POOL_WAIT_MILLIS = 2000;

    /** Connections per pool unless {@code courier.redis.pool} says (Jedis' own default). */
    public static final int DEFAULT_POOL = 8;

    private RedisSettings() {
    }

    /**
     * A pool of at most {@code size} connections (all kept idle once opened, so a burst does not
     * open and close connections) whose borrowers give up after {@code waitMillis} instead of
     * waiting forever.
     */
    public static ConnectionPoolConfig poolConfig(int size, long waitMillis) {
        if (size < 1) {
            throw new IllegalStateException("courier.redis.pool must be at least 1, was " + size);
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(size);
        pool.setMaxIdle(size);
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(java.time.Duration.ofMillis(waitMillis));
        // PING every idle connection each second (never evicting for idleness alone): a PING per
        // connection per second is nothing to Redis, unlike a PING before every command.
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(java.time.Duration.ofSeconds(1));
        pool.setNumTestsPerEvictionRun(-1);
        pool.setMinEvictableIdleDuration(java.time.Duration.ofMillis(-1));
        pool.setSoftMinEvictableIdleDuration(java.time.Duration.ofMillis(-1));
        return pool;
    }

    /** A pooled client, checked with a PING so a wrong address fails at start with one clear message. */
    public static JedisPooled connect(Config redis) {
        String url = redis.get("url").asString()
                .orElseThrow(() -> new IllegalStateException("courier.redis.url is not set"));
        JedisPooled jedis = new JedisPooled(poolConfig(redis.get("pool").asInt().orElse(DEFAULT_POOL),
                redis.get("poolwaitmillis").asLong().orElse(DEFAULT_POOL_WAIT_MILLIS)), URI.create(url));
        try {
            jedis.ping();
        } catch (JedisException e) {
            jedis.close();
            throw new IllegalStateException("Cannot connect to Redis at " + url.replaceAll(":[^:@/]*@", ":***@") + ": " + e.getMessage(), e);
        }
        return jedis;
    }
}

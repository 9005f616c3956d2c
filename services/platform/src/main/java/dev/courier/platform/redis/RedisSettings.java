package dev.courier.platform.redis;

import java.net.URI;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

import io.helidon.common.config.Config;

/**
 * Redis from {@code courier.redis.url}: {@code redis://[:password@]host:port[/db]} or {@code rediss://}
 * for TLS. {@code courier.redis.pool} (optional) sizes the connection pool explicitly and
 * {@code courier.redis.poolwaitmillis} bounds the wait for a connection; without them Jedis'
 * defaults apply (8 connections, waiting forever).
 */
public final class RedisSettings {

    /** How long a borrower waits for a pooled connection when {@code pool} is set, unless {@code poolwaitmillis} says. */
    public static final long DEFAULT_POOL_WAIT_MILLIS = 2000;

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
        return pool;
    }

    /** A pooled client, checked with a PING so a wrong address fails at start with one clear message. */
    public static JedisPooled connect(Config redis) {
        String url = redis.get("url").asString()
                .orElseThrow(() -> new IllegalStateException("courier.redis.url is not set"));
        JedisPooled jedis = redis.get("pool").asInt().asOptional().map(size -> new JedisPooled(poolConfig(size,
                redis.get("poolwaitmillis").asLong().orElse(DEFAULT_POOL_WAIT_MILLIS)), URI.create(url)))
                .orElseGet(() -> new JedisPooled(URI.create(url)));
        try {
            jedis.ping();
        } catch (JedisException e) {
            jedis.close();
            throw new IllegalStateException("Cannot connect to Redis at " + url.replaceAll(":[^:@/]*@", ":***@") + ": " + e.getMessage(), e);
        }
        return jedis;
    }
}

package dev.courier.platform.redis;

import java.net.URI;

import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

import io.helidon.common.config.Config;

/** Redis from {@code courier.redis.url}: {@code redis://[:password@]host:port[/db]} or {@code rediss://} for TLS. */
public final class RedisSettings {

    private RedisSettings() {
    }

    /** A pooled client, checked with a PING so a wrong address fails at start with one clear message. */
    public static JedisPooled connect(Config redis) {
        String url = redis.get("url").asString()
                .orElseThrow(() -> new IllegalStateException("courier.redis.url is not set"));
        JedisPooled jedis = new JedisPooled(URI.create(url));
        try {
            jedis.ping();
        } catch (JedisException e) {
            jedis.close();
            throw new IllegalStateException("Cannot connect to Redis at " + url.replaceAll(":[^:@/]*@", ":***@") + ": " + e.getMessage(), e);
        }
        return jedis;
    }
}

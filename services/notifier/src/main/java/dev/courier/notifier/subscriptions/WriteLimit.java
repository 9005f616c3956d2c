package dev.courier.notifier.subscriptions;

import java.time.Duration;
import java.util.List;

import redis.clients.jedis.JedisPooled;

import dev.courier.platform.http.ProblemException;

/**
 * At most {@code limit} writes per user in a fixed window, counted in Redis so every replica shares
 * the count ({@code courier:notifier:rl:<action>:<userId>}); over it the caller gets 429 with
 * Retry-After = what is left of the window. The same scheme as auth's {@code RateLimiter}, which is
 * keyed by account and address and lives in auth; the notifier's callers are always authenticated,
 * so a user id is the only subject.
 */
public final class WriteLimit {

    private static final String HIT = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1])) end
            local ttl = redis.call('TTL', KEYS[1])
            if ttl < 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1])); ttl = tonumber(ARGV[1]) end
            return {n, ttl}
            """;

    private final JedisPooled redis;
    private final String action;
    private final int limit;
    private final Duration window;

    public WriteLimit(JedisPooled redis, String action, int limit, Duration window) {
        this.redis = redis;
        this.action = action;
        this.limit = limit;
        this.window = window;
    }

    /** Counts one write by {@code userId}; throws 429 once the user is over the limit in this window. */
    public void hit(long userId) {
        List<?> r = (List<?>) redis.eval(HIT, List.of("courier:notifier:rl:" + action + ":" + userId),
                List.of(Long.toString(window.toSeconds())));
        long n = (Long) r.get(0);
        long ttl = (Long) r.get(1);
        if (n > limit) {
            throw ProblemException.tooManyRequests(Duration.ofSeconds(Math.max(1, ttl)));
        }
    }
}

package dev.courier.platform.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import io.helidon.config.Config;
import redis.clients.jedis.JedisPooled;

import dev.courier.platform.http.ProblemException;

/**
 * Fixed-window counters in Redis, shared by every replica:
 * {@code courier:<service>:rl:<action>:<kind>:<hash of subject>}. Each attempt counts; over the limit
 * the caller gets 429 with Retry-After = the window's remaining time. A subject is an account (a
 * login name, an email, a user id) or a client address; a limit of 0 turns that kind off. Our own
 * small script rather than a library: one INCR with an expiry per attempt is all it takes, and
 * Redis is already every service's shared state.
 */
public final class RateLimiter {

    private static final String HIT = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1])) end
            local ttl = redis.call('TTL', KEYS[1])
            if ttl < 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1])); ttl = tonumber(ARGV[1]) end
            return {n, ttl}
            """;

    private final JedisPooled redis;
    private final String prefix;
    private final int perAccount;
    private final int perAddress;
    private final Duration window;

    public RateLimiter(JedisPooled redis, String service, String action, int perAccount, int perAddress, Duration window) {
        this.redis = redis;
        this.prefix = "courier:" + service + ":rl:" + action + ":";
        this.perAccount = perAccount;
        this.perAddress = perAddress;
        this.window = window;
    }

    /** From {@code <limits>.<action>.{account,address,windowseconds}}. */
    public static RateLimiter of(JedisPooled redis, String service, Config limits, String action) {
        Config c = limits.get(action);
        return new RateLimiter(redis, service, action, c.get("account").asInt().orElse(10), c.get("address").asInt().orElse(100),
                Duration.ofSeconds(c.get("windowseconds").asInt().orElse(300)));
    }

    /**
     * Counts one attempt for the account and the address (either may be null: not counted); throws
     * 429 when either is over its limit. Both are counted before deciding, so hammering one account
     * from many addresses still trips.
     */
    public void hit(String account, String address) {
        long retry = retryAfter(account, address);
        if (retry > 0) {
            throw ProblemException.tooManyRequests(Duration.ofSeconds(retry));
        }
    }

    /** Like {@link #hit} but answers the seconds to wait (0 = allowed), for callers that refuse in their own way. */
    public long retryAfter(String account, String address) {
        long retryAccount = account == null || perAccount <= 0 ? 0 : count("account", account.toLowerCase(Locale.ROOT), perAccount);
        long retryAddress = address == null || perAddress <= 0 ? 0 : count("address", address, perAddress);
        return Math.max(retryAccount, retryAddress);
    }

    /** Returns 0 when within the limit, else the seconds until the window resets. */
    private long count(String kind, String subject, int limit) {
        // Subjects are hashed so an attacker-chosen name cannot make huge or odd keys.
        String key = prefix + kind + ":" + sha256Hex(subject);
        List<?> r = (List<?>) redis.eval(HIT, List.of(key), List.of(Long.toString(window.toSeconds())));
        long n = (Long) r.get(0);
        long ttl = (Long) r.get(1);
        return n > limit ? Math.max(1, ttl) : 0;
    }

    public static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

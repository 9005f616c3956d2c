package dev.courier.auth.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.helidon.config.Config;
import redis.clients.jedis.JedisPooled;

import dev.courier.platform.http.ProblemException;

/**
 * Fixed-window counters in Redis, shared by every replica: {@code courier:auth:rl:<action>:<kind>:<subject>}.
 * Each attempt counts; over the limit the caller gets 429 with Retry-After = the window's remaining time.
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
    private final String action;
    private final int perAccount;
    private final int perAddress;
    private final Duration window;

    public RateLimiter(JedisPooled redis, String action, int perAccount, int perAddress, Duration window) {
        this.redis = redis;
        this.action = action;
        this.perAccount = perAccount;
        this.perAddress = perAddress;
        this.window = window;
    }

    /** From {@code courier.auth.ratelimit.<action>.{account,address,windowseconds}}. */
    public static RateLimiter of(JedisPooled redis, Config limits, String action) {
        Config c = limits.get(action);
        return new RateLimiter(redis, action, c.get("account").asInt().orElse(10), c.get("address").asInt().orElse(100),
                Duration.ofSeconds(c.get("windowseconds").asInt().orElse(300)));
    }

    /**
     * Counts one attempt for the account and the address; throws 429 when either is over its limit.
     * Both are counted before deciding, so hammering one account from many addresses still trips.
     */
    public void hit(String account, String address) {
        long retryAccount = account == null ? 0 : count("account", account.toLowerCase(Locale.ROOT), perAccount);
        long retryAddress = address == null || loopback(address) ? 0 : count("address", address, perAddress);
        long retry = Math.max(retryAccount, retryAddress);
        if (retry > 0) {
            throw ProblemException.tooManyRequests(Duration.ofSeconds(retry));
        }
    }

    /**
     * A loopback peer is a proxy on the same host or a local test run: every client would share that
     * one address, so limiting it would throttle everyone at once. Per-account limits still apply;
     * behind a real proxy, trustproxy gives the clients' own addresses.
     */
    static boolean loopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1")
                || address.startsWith("/127.") || address.equals("localhost");
    }

    /** Returns 0 when within the limit, else the seconds until the window resets. */
    private long count(String kind, String subject, int limit) {
        // Subjects are hashed so an attacker-chosen name cannot make huge or odd keys.
        String key = "courier:auth:rl:" + action + ":" + kind + ":" + dev.courier.auth.sessions.Tokens.sha256Hex(subject);
        List<?> r = (List<?>) redis.eval(HIT, List.of(key), List.of(Long.toString(window.toSeconds())));
        long n = (Long) r.get(0);
        long ttl = (Long) r.get(1);
        return n > limit ? Math.max(1, ttl) : 0;
    }
}

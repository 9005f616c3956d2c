package dev.courier.auth.accounts;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.helidon.config.Config;
import redis.clients.jedis.JedisPooled;

import dev.courier.platform.http.ProblemException;
import dev.courier.platform.ratelimit.RateLimiter;

/**
 * Slows down wrong passwords instead of locking the account: failures are counted per (account,
 * client address) pair in Redis, and after {@code free} of them each further failure makes that pair
 * wait twice as long as the one before (up to {@code maxseconds}), answered 429 with Retry-After.
 * Someone guessing from elsewhere only slows themselves down; the owner from their own address
 * logs in at once. The pair is forgotten after {@code memoryseconds} without a failure, or at a
 * successful login.
 */
public final class LoginBackoff {

    /** KEYS: failures, blocked-until. ARGV: free, base ms, max ms, memory s. Returns the wait in ms (0 = none). */
    private static final String FAIL = """
            local n = redis.call('INCR', KEYS[1])
            redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
            local over = n - tonumber(ARGV[1])
            if over <= 0 then return 0 end
            local wait = math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) * 2 ^ math.min(over - 1, 30))
            redis.call('SET', KEYS[2], '1', 'PX', math.floor(wait))
            return math.floor(wait)
            """;

    private final JedisPooled redis;
    private final int free;
    private final Duration base;
    private final Duration max;
    private final Duration memory;

    public LoginBackoff(JedisPooled redis, int free, Duration base, Duration max, Duration memory) {
        this.redis = redis;
        this.free = free;
        this.base = base;
        this.max = max;
        this.memory = memory;
    }

    /** From {@code courier.auth.ratelimit.loginfailures.{free,baseseconds,maxseconds,memoryseconds}}. */
    public static LoginBackoff of(JedisPooled redis, Config c) {
        return new LoginBackoff(redis, c.get("free").asInt().orElse(5), Duration.ofSeconds(c.get("baseseconds").asInt().orElse(1)),
                Duration.ofSeconds(c.get("maxseconds").asInt().orElse(900)), Duration.ofSeconds(c.get("memoryseconds").asInt().orElse(900)));
    }

    /** Throws 429 while the pair must wait; the password is not even checked then. */
    public void check(String account, String address) {
        long wait = redis.pttl(blockedKey(account, address));
        if (wait > 0) {
            throw ProblemException.tooManyRequests(Duration.ofMillis(wait));
        }
    }

    /** Counts a wrong password; the answer to it already says how long to wait before the next try. */
    public Duration failed(String account, String address) {
        Object wait = redis.eval(FAIL, List.of(failuresKey(account, address), blockedKey(account, address)),
                List.of(Integer.toString(free), Long.toString(base.toMillis()), Long.toString(max.toMillis()), Long.toString(memory.toSeconds())));
        return Duration.ofMillis((Long) wait);
    }

    public void succeeded(String account, String address) {
        redis.del(failuresKey(account, address), blockedKey(account, address));
    }

    private static String failuresKey(String account, String address) {
        return "courier:auth:loginfail:" + pair(account, address);
    }

    private static String blockedKey(String account, String address) {
        return "courier:auth:loginwait:" + pair(account, address);
    }

    private static String pair(String account, String address) {
        return RateLimiter.sha256Hex(account.toLowerCase(Locale.ROOT) + "\n" + (address == null ? "" : address));
    }
}

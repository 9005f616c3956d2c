package dev.courier.auth.sessions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

import dev.courier.platform.http.Json;
import dev.courier.platform.security.RevokedSessions;

/**
 * Sessions in Redis. A session is a hash {@code courier:auth:session:<sid>} (user, device, times,
 * the hash of its current refresh token) that lives as long as a refresh token; each user has a
 * set of session ids. A refresh token is stored only as its SHA-256 under
 * {@code courier:auth:refresh:<hash>} → sid; once rotated, the old entry becomes {@code used:<sid>}
 * so a second use is recognised as theft and revokes the session. Revocations are published on
 * {@value #REVOKED_CHANNEL} for the other services (messenger closes the sockets).
 */
public final class SessionStore {

    public static final String REVOKED_CHANNEL = RevokedSessions.CHANNEL;
    private static final String PREFIX = "courier:auth:";

    /**
     * Atomic rotation: the presented token must be the session's current one. KEYS: old refresh key,
     * new refresh key. ARGV: session key prefix, new token hash, now (epoch ms), ttl seconds, user key
     * prefix (the user's set of sessions lives as long as its longest-lived session), the session's
     * absolute lifetime (ms): past it the chain ends however often it was refreshed, and the keys
     * never outlive it. Returns {"ok", sid, userId} | {"reused", sid} | {"expired", sid} | {"invalid"}.
     */
    private static final String ROTATE = """
            local v = redis.call('GET', KEYS[1])
            if not v then return {'invalid'} end
            if string.sub(v, 1, 5) == 'used:' then return {'reused', string.sub(v, 6)} end
            local skey = ARGV[1] .. v
            local uid = redis.call('HGET', skey, 'userId')
            if not uid then return {'invalid'} end
            local left = tonumber(redis.call('HGET', skey, 'createdAt')) + tonumber(ARGV[6]) - tonumber(ARGV[3])
            if left <= 0 then return {'expired', v} end
            local ttl = math.min(tonumber(ARGV[4]), math.ceil(left / 1000))
            redis.call('SET', KEYS[1], 'used:' .. v, 'KEEPTTL')
            redis.call('SET', KEYS[2], v, 'EX', ttl)
            redis.call('HSET', skey, 'refresh', ARGV[2], 'lastUsedAt', ARGV[3])
            redis.call('EXPIRE', skey, ttl)
            redis.call('EXPIRE', ARGV[5] .. uid .. ':sessions', tonumber(ARGV[4]))
            return {'ok', v, uid}
            """;

    private final JedisPooled redis;
    private final Clock clock;
    private final Duration refreshTtl;
    private final Duration accessTtl;
    private final Duration maxLifetime;

    public SessionStore(JedisPooled redis, Clock clock, Duration refreshTtl, Duration accessTtl, Duration maxLifetime) {
        this.redis = redis;
        this.clock = clock;
        this.refreshTtl = refreshTtl.compareTo(maxLifetime) > 0 ? maxLifetime : refreshTtl;
        this.accessTtl = accessTtl;
        this.maxLifetime = maxLifetime;
    }

    /** A new session and its first refresh token. */
    public Issued create(long userId, String userAgent, String address) {
        String sid = Tokens.random(16);
        String refresh = Tokens.random(32);
        String hash = Tokens.sha256Hex(refresh);
        String now = Long.toString(clock.millis());
        long ttl = refreshTtl.toSeconds();
        try (AbstractTransaction tx = redis.multi()) {
            tx.hset(sessionKey(sid), Map.of("userId", Long.toString(userId), "userAgent", userAgent,
                    "address", address, "createdAt", now, "lastUsedAt", now, "refresh", hash));
            tx.expire(sessionKey(sid), ttl);
            tx.sadd(userKey(userId), sid);
            tx.expire(userKey(userId), ttl);
            tx.set(refreshKey(hash), sid, SetParams.setParams().ex(ttl));
            tx.exec();
        }
        return new Issued(sid, userId, refresh);
    }

    /** Rotates a refresh token. Presenting an already-rotated token revokes its whole session. */
    public Rotation rotate(String refreshToken) {
        String newToken = Tokens.random(32);
        String newHash = Tokens.sha256Hex(newToken);
        Object result = redis.eval(ROTATE, List.of(refreshKey(Tokens.sha256Hex(refreshToken)), refreshKey(newHash)),
                List.of(PREFIX + "session:", newHash, Long.toString(clock.millis()), Long.toString(refreshTtl.toSeconds()), PREFIX + "user:",
                        Long.toString(maxLifetime.toMillis())));
        List<?> r = (List<?>) result;
        return switch (String.valueOf(r.getFirst())) {
            case "ok" -> new Rotation(Rotation.Outcome.ROTATED,
                    new Issued(String.valueOf(r.get(1)), Long.parseLong(String.valueOf(r.get(2))), newToken));
            case "reused" -> {
                String sid = String.valueOf(r.get(1));
                owner(sid).ifPresent(uid -> revoke(uid, sid));
                yield new Rotation(Rotation.Outcome.REUSED, null);
            }
            case "expired" -> {
                // Ended, not merely refused: the other services drop its sockets and tokens too.
                String sid = String.valueOf(r.get(1));
                owner(sid).ifPresent(uid -> revoke(uid, sid));
                yield new Rotation(Rotation.Outcome.EXPIRED, null);
            }
            default -> new Rotation(Rotation.Outcome.INVALID, null);
        };
    }

    /**
     * The user whose session this refresh token currently belongs to, without rotating it; empty
     * when the token is unknown, expired or already rotated.
     */
    public Optional<Long> currentOwner(String refreshToken) {
        String sid = redis.get(refreshKey(Tokens.sha256Hex(refreshToken)));
        if (sid == null || sid.startsWith("used:")) {
            return Optional.empty();
        }
        return owner(sid);
    }

    /**
     * Ends the caller's own session even when Redis no longer knows it (restarted empty): the
     * revocation is still recorded and announced, so the session's sockets close and its access
     * token can be refused before it expires.
     */
    public void end(long userId, String sid) {
        if (!revoke(userId, sid)) {
            redis.set(PREFIX + "revoked:" + sid, "1", SetParams.setParams().ex(accessTtl.toSeconds() + 60));
            publish(userId, sid);
        }
    }

    /** The user who owns a live session. */
    public Optional<Long> owner(String sid) {
        return Optional.ofNullable(redis.hget(sessionKey(sid), "userId")).map(Long::parseLong);
    }

    public boolean isActive(long userId, String sid) {
        return owner(sid).filter(uid -> uid == userId).isPresent();
    }

    public List<Session> list(long userId) {
        List<Session> sessions = new ArrayList<>();
        for (String sid : redis.smembers(userKey(userId))) {
            Map<String, String> h = redis.hgetAll(sessionKey(sid));
            if (h.isEmpty()) {
                redis.srem(userKey(userId), sid);
                continue;
            }
            sessions.add(new Session(sid, Long.parseLong(h.get("userId")), h.getOrDefault("userAgent", ""),
                    h.getOrDefault("address", ""), Instant.ofEpochMilli(Long.parseLong(h.get("createdAt"))),
                    Instant.ofEpochMilli(Long.parseLong(h.get("lastUsedAt")))));
        }
        sessions.sort(Comparator.comparing(Session::lastUsedAt).reversed());
        return sessions;
    }

    /** Revokes one session of {@code userId}; false when it is not theirs or already gone. */
    public boolean revoke(long userId, String sid) {
        if (!isActive(userId, sid)) {
            return false;
        }
        drop(userId, sid);
        publish(userId, sid);
        return true;
    }

    /** Revokes every session of the user except {@code keep} (null: all), announcing it. */
    public void revokeAll(long userId, String keep) {
        List<String> revoked = new ArrayList<>();
        for (String sid : redis.smembers(userKey(userId))) {
            if (!sid.equals(keep)) {
                drop(userId, sid);
                revoked.add(sid);
            }
        }
        // Each session by id (the other services refuse its tokens), and "*" when none is kept so
        // messenger closes every socket of the user, including one whose session already expired.
        revoked.forEach(sid -> publish(userId, sid));
        if (keep == null) {
            publish(userId, "*");
        }
    }

    /** Marks a revoked session for the access-token lifetime; other services may check it to refuse a revoked session's tokens at once. */
    public boolean isRevoked(String sid) {
        return redis.exists(RevokedSessions.KEY_PREFIX + sid);
    }

    private void drop(long userId, String sid) {
        String hash = redis.hget(sessionKey(sid), "refresh");
        try (AbstractTransaction tx = redis.multi()) {
            if (hash != null) {
                tx.del(refreshKey(hash));
            }
            tx.del(sessionKey(sid));
            tx.srem(userKey(userId), sid);
            tx.set(RevokedSessions.KEY_PREFIX + sid, "1", SetParams.setParams().ex(accessTtl.toSeconds() + 60));
            tx.exec();
        }
    }

    private void publish(long userId, String sid) {
        redis.publish(REVOKED_CHANNEL, Json.writeString(new Revoked(userId, sid)));
    }

    private static String sessionKey(String sid) {
        return PREFIX + "session:" + sid;
    }

    private static String userKey(long userId) {
        return PREFIX + "user:" + userId + ":sessions";
    }

    private static String refreshKey(String hash) {
        return PREFIX + "refresh:" + hash;
    }

    /** The message on {@value #REVOKED_CHANNEL}; sessionId "*" means every session of the user. */
    public record Revoked(long userId, String sessionId) {
    }

    /** A session with a fresh refresh token (shown to the client once, stored only hashed). */
    public record Issued(String sessionId, long userId, String refreshToken) {
    }

    public record Rotation(Outcome outcome, Issued issued) {
        public enum Outcome { ROTATED, REUSED, EXPIRED, INVALID }
    }
}

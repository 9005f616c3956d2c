package dev.courier.messenger.limits;

import java.time.Duration;

import io.helidon.config.Config;
import redis.clients.jedis.JedisPooled;

import dev.courier.platform.http.ClientInfo;
import dev.courier.platform.ratelimit.RateLimiter;

/**
 * Per-user limits on what one account (or one address, before a socket is authenticated) can make
 * every replica do, counted in Redis by the platform's {@link RateLimiter}: sends, room creation,
 * and socket opens. Over a limit a REST call answers 429 with Retry-After, a socket frame an
 * {@code error} frame with status 429 and {@code retryAfter} (the socket stays open), and a socket
 * open is closed with {@link #SOCKET_CLOSE_CODE}.
 */
public final class Limits {

    /** Close code of a socket opened over its user's or address's limit (documented in asyncapi.yaml). */
    public static final int SOCKET_CLOSE_CODE = 4429;

    private final RateLimiter sends;
    private final RateLimiter rooms;
    private final RateLimiter sockets;
    private final ClientInfo clients;

    private Limits(RateLimiter sends, RateLimiter rooms, RateLimiter sockets, ClientInfo clients) {
        this.sends = sends;
        this.rooms = rooms;
        this.sockets = sockets;
        this.clients = clients;
    }

    /** From {@code courier.messenger.limits.{send,rooms,sockets}.{user,address,windowseconds}} and {@code courier.http.trustedproxies}. */
    public static Limits from(JedisPooled redis, Config config) {
        Config limits = config.get("courier.messenger.limits");
        return new Limits(limiter(redis, limits, "send", 1200, 60), limiter(redis, limits, "rooms", 50, 3600),
                limiter(redis, limits, "sockets", 120, 60), ClientInfo.fromConfig(config));
    }

    private static RateLimiter limiter(JedisPooled redis, Config limits, String action, int perUser, int windowSeconds) {
        Config c = limits.get(action);
        return new RateLimiter(redis, "messenger", action, c.get("user").asInt().orElse(perUser), c.get("address").asInt().orElse(0),
                Duration.ofSeconds(c.get("windowseconds").asInt().orElse(windowSeconds)));
    }

    /** Counts a send (any way in: REST, socket, seed dialects); 429 over the limit. */
    public void send(long userId) {
        sends.hit(Long.toString(userId), null);
    }

    /** Counts a room creation; 429 over the limit. */
    public void createRoom(long userId) {
        rooms.hit(Long.toString(userId), null);
    }

    /** Counts a socket open from an address (null: a direct loopback peer, not counted); seconds to wait, 0 = allowed. */
    public long socketFromAddress(String address) {
        return sockets.retryAfter(null, address);
    }

    /** Counts a socket authenticated as this user; seconds to wait, 0 = allowed. */
    public long socketForUser(long userId) {
        return sockets.retryAfter(Long.toString(userId), null);
    }

    public ClientInfo clients() {
        return clients;
    }
}

package dev.courier.messenger.realtime;

import io.helidon.config.Config;

/**
 * WebSocket tuning from {@code courier.messenger.ws}: heartbeat and sweep periods, how long a
 * socket may stay silent or stuck in a send, the per-connection queue bound, and how long before
 * its access token expires a socket is warned ({@code token.expiring}), and how many sockets may read
 * the database at once ({@code dbreads}: opens and catch-up reads wait for one of these instead of
 * crowding the connection pool, where a burst of opens timed out and lost its sockets).
 */
public record WsSettings(long heartbeatMillis, long sweepMillis, long deadAfterMillis, long stuckSendMillis,
                         int queue, long authTimeoutMillis, long expiryWarningMillis, int dbReads) {

    public static WsSettings from(Config ws) {
        return new WsSettings(ws.get("heartbeatmillis").asLong().orElse(15_000L),
                ws.get("sweepmillis").asLong().orElse(5_000L),
                ws.get("deadaftermillis").asLong().orElse(45_000L),
                ws.get("stucksendmillis").asLong().orElse(10_000L),
                ws.get("queue").asInt().orElse(256),
                ws.get("authtimeoutmillis").asLong().orElse(10_000L),
                ws.get("expirywarningmillis").asLong().orElse(60_000L),
                Math.max(1, ws.get("dbreads").asInt().orElse(4)));
    }
}

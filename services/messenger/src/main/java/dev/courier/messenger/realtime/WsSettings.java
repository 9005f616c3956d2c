package dev.courier.messenger.realtime;

import io.helidon.config.Config;

/**
 * WebSocket tuning from {@code courier.messenger.ws}: heartbeat and sweep periods, how long a
 * socket may stay silent or stuck in a send, the per-connection queue bound, and how long before
 * its access token expires a socket is warned ({@code token.expiring}).
 */
public record WsSettings(long heartbeatMillis, long sweepMillis, long deadAfterMillis, long stuckSendMillis,
                         int queue, long authTimeoutMillis, long expiryWarningMillis) {

    public static WsSettings from(Config ws) {
        return new WsSettings(ws.get("heartbeatmillis").asLong().orElse(15_000L),
                ws.get("sweepmillis").asLong().orElse(5_000L),
                ws.get("deadaftermillis").asLong().orElse(45_000L),
                ws.get("stucksendmillis").asLong().orElse(10_000L),
                ws.get("queue").asInt().orElse(256),
                ws.get("authtimeoutmillis").asLong().orElse(10_000L),
                ws.get("expirywarningmillis").asLong().orElse(60_000L));
    }
}

package dev.courier.messenger.realtime;

import io.helidon.config.Config;

/**
 * WebSocket tuning from {@code courier.messenger.ws}: heartbeat and sweep periods, how long a
 * socket may stay silent or stuck in a send, and the per-connection queue bound.
 */
public record WsSettings(long heartbeatMillis, long sweepMillis, long deadAfterMillis, long stuckSendMillis,
                         int queue, long authTimeoutMillis) {

    public static WsSettings from(Config ws) {
        return new WsSettings(ws.get("heartbeatmillis").asLong().orElse(15_000L),
                ws.get("sweepmillis").asLong().orElse(5_000L),
                ws.get("deadaftermillis").asLong().orElse(45_000L),
                ws.get("stucksendmillis").asLong().orElse(10_000L),
                ws.get("queue").asInt().orElse(256),
                ws.get("authtimeoutmillis").asLong().orElse(10_000L));
    }
}

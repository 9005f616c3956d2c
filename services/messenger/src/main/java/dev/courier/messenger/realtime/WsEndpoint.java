package dev.courier.messenger.realtime;

import io.helidon.webserver.websocket.WsRouting;

import dev.courier.platform.security.TokenVerifier;

/** Registers {@code /ws}: a {@link Connection} per socket. */
public final class WsEndpoint {

    private final Hub hub;
    private final TokenVerifier verifier;
    private final Commands commands;

    public WsEndpoint(Hub hub, TokenVerifier verifier, Commands commands) {
        this.hub = hub;
        this.verifier = verifier;
        this.commands = commands;
    }

    public void register(WsRouting.Builder ws) {
        ws.endpoint("/ws", () -> new UpgradeGuard(new Connection(hub, verifier, commands), hub));
    }
}

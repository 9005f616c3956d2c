package dev.courier.messenger.realtime;

import io.helidon.webserver.websocket.WsRouting;

import dev.courier.messenger.limits.Limits;
import dev.courier.platform.security.TokenVerifier;

/** Registers {@code /ws}: a {@link Connection} per socket. */
public final class WsEndpoint {

    private final Hub hub;
    private final TokenVerifier verifier;
    private final Commands commands;
    private final Limits limits;

    public WsEndpoint(Hub hub, TokenVerifier verifier, Limits limits, Commands commands) {
        this.hub = hub;
        this.limits = limits;
        this.verifier = verifier;
        this.commands = commands;
    }

    public void register(WsRouting.Builder ws) {
        ws.endpoint("/ws", () -> new UpgradeGuard(new Connection(hub, verifier, commands, limits), hub, limits));
    }
}

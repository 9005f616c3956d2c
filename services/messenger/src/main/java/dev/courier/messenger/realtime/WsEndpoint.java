package dev.courier.messenger.realtime;

import io.helidon.webserver.websocket.WsRouting;

import dev.courier.messenger.limits.Limits;
import dev.courier.platform.security.TokenVerifier;

/** Registers {@code /ws}: a {@link Connection} per socket, speaking Courier's protocol or a {@link Dialect}. */
public final class WsEndpoint {

    private final Hub hub;
    private final TokenVerifier verifier;
    private final Commands commands;
    private final Dialect.Chooser dialects;
    private final Limits limits;

    /** Courier's protocol, and the seeds' where {@code dialects} recognises a socket as one of theirs. */
    public WsEndpoint(Hub hub, TokenVerifier verifier, Limits limits, Commands commands, Dialect.Chooser dialects) {
        this.hub = hub;
        this.limits = limits;
        this.verifier = verifier;
        this.commands = commands;
        this.dialects = dialects;
    }

    public void register(WsRouting.Builder ws) {
        ws.endpoint("/ws", () -> new UpgradeGuard(new Connection(hub, verifier, commands, limits, dialects), hub, limits));
    }
}

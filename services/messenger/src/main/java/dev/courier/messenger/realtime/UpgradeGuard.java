package dev.courier.messenger.realtime;

import java.util.Optional;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import dev.courier.messenger.events.Events;
import dev.courier.messenger.limits.Limits;
import dev.courier.platform.http.CrossSite;

/**
 * Stands in front of a {@link Connection}: an upgrade refused for its token is accepted and then
 * closed with 4401 and an {@code error} frame, as the AsyncAPI document promises, instead of the
 * HTTP 404 Helidon answers for any refused upgrade; so a client can tell an expired or revoked
 * token from a wrong URL. A refusal while the node drains stays an HTTP refusal. An upgrade from a
 * page of another site (its {@code Origin}, see {@link CrossSite}) is closed with 4403 before the
 * socket is authenticated, so another site cannot open a socket with the user's cookie. A client
 * address over its socket limit ({@link Limits}) is closed with 4429 and an {@code error} frame
 * saying when to retry, before anything else happens on the socket.
 */
final class UpgradeGuard implements WsListener {

    private final Connection connection;
    private final Hub hub;
    /** Close code for an upgrade from another site's page. */
    static final int FOREIGN_ORIGIN = 4403;


    private final Limits limits;

    private volatile String refused;
    private volatile boolean foreign;
    private volatile Headers upgradeHeaders;
    private boolean skipping;

    UpgradeGuard(Connection connection, Hub hub, Limits limits) {
        this.connection = connection;
        this.hub = hub;
        this.limits = limits;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        upgradeHeaders = headers;
        if (!CrossSite.sameOrigin(headers)) {
            foreign = true;
            refused = "This socket may only be opened by pages of this site.";
            return Optional.empty();
        }
        try {
            return connection.onHttpUpgrade(prologue, headers);
        } catch (WsUpgradeException e) {
            if (!hub.accepting()) {
                throw e;
            }
            refused = e.getMessage();
            return Optional.empty();
        }
    }

    @Override
    public void onOpen(WsSession session) {
        // The peer is known only once the socket is open; the upgrade's headers say who is behind a trusted proxy.
        long wait = hub.accepting() ? limits.socketFromAddress(limits.clients().limitAddress(session.socketContext().remotePeer().host(), upgradeHeaders)) : 0;
        if (wait > 0) {
            refused = "Too many sockets from this address.";
            session.send(Connection.write(Events.of("error", "status", 429, "title", "Too many requests", "detail", refused,
                    "retryAfter", wait)), true);
            session.close(Limits.SOCKET_CLOSE_CODE, "too many sockets");
            return;
        }
        if (refused != null) {
            if (foreign) {
                session.send(Connection.write(Events.of("error", "status", 403, "title", "Forbidden", "detail", refused)), true);
                session.close(FOREIGN_ORIGIN, "origin not allowed");
                return;
            }
            String frame = Connection.write(Events.of("error", "status", 401, "title", "Unauthorized", "detail", refused));
            // A seed's client is refused in its own protocol (the dialect its token names).
            frame = connection instanceof Connection c ? c.translated(frame) : frame;
            if (frame != null) {
                session.send(frame, true);
            }
            session.close(Connection.UNAUTHORIZED, "unauthorized");
            return;
        }
        connection.onOpen(session);
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (refused != null) {
            return;
        }
        // Helidon decodes a text frame with replacement, so invalid UTF-8 arrives as U+FFFD and the
        // bytes are gone; the message is refused instead of storing text the client never sent (all
        // of its fragments: the rest of a fragmented one is skipped up to its last).
        if (skipping || text.indexOf('\uFFFD') >= 0) {
            skipping = !last;
            if (last) {
                connection.invalidText(text);
            }
            return;
        }
        connection.onMessage(session, text, last);
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        if (refused == null) {
            connection.onMessage(session, buffer, last);
        }
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        if (refused == null) {
            connection.onPing(session, buffer);
        }
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        if (refused == null) {
            connection.onPong(session, buffer);
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        if (refused == null) {
            connection.onClose(session, status, reason);
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        if (refused == null) {
            connection.onError(session, t);
        }
    }
}

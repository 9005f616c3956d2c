package dev.courier.messenger.realtime;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import dev.courier.messenger.events.Events;
import dev.courier.messenger.events.UserEventLog;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Json;
import dev.courier.platform.http.Problem;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/**
 * One client socket. Authenticated at the upgrade (cookie, {@code ?token=}, bearer header) or by
 * a first frame {@code {"type":"auth","token":...}}. A single writer thread sends, in this order:
 * queued control and ephemeral frames, then the user's durable events after the last cursor sent
 * (read from the log, so a slow client costs no memory, and a resume is the same code path).
 *
 * <p>The queue is bounded: typing/presence frames are dropped first when it fills; when control
 * frames (acks, errors) cannot be queued, or a send stays stuck, the client is disconnected and
 * resumes from its cursor. Pings go out every heartbeat; a socket silent for too long is closed.
 */
final class Connection implements WsListener {

    static final int MAX_FRAME = 64 * 1024;
    static final int PAGE = 100;
    /** Close codes: 4401 not (or no longer) authenticated, 4408 too slow, 1012 server restarting. */
    static final int UNAUTHORIZED = 4401;
    static final int TOO_SLOW = 4408;

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    private final Hub hub;
    private final TokenVerifier verifier;
    private final Commands commands;
    private final WsSettings settings;
    private final BlockingQueue<Out> queue;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean pullWanted = new AtomicBoolean();
    private final StringBuilder partial = new StringBuilder();
    private volatile Caller caller;
    private volatile String token;
    private volatile String cursorParam;
    private volatile WsSession session;
    private volatile long lastSent = -1;
    private volatile long lastHeard = System.currentTimeMillis();
    private volatile long sendStarted;
    private volatile boolean closed;
    private boolean oversized;
    private final long openedAt = System.currentTimeMillis();

    private record Out(String json, boolean ephemeral, int closeCode, String closeReason) {
    }

    Connection(Hub hub, TokenVerifier verifier, Commands commands) {
        this.hub = hub;
        this.verifier = verifier;
        this.commands = commands;
        this.settings = hub.settings();
        this.queue = new ArrayBlockingQueue<>(settings.queue());
    }

    long userId() {
        return caller.userId();
    }

    String sessionId() {
        return caller.sessionId();
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        if (!hub.accepting()) {
            throw new WsUpgradeException("The server is shutting down; reconnect to another instance.");
        }
        Optional<String> t = prologue.query().first("token").asOptional();
        if (t.isEmpty()) {
            t = headers.first(HeaderNames.AUTHORIZATION).filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                    .map(h -> h.substring(7).trim());
        }
        if (t.isEmpty()) {
            t = headers.first(HeaderNames.COOKIE).flatMap(Connection::accessCookie);
        }
        if (t.isPresent()) {
            caller = verifier.verify(t.get()).orElseThrow(() -> new WsUpgradeException("Invalid or expired access token."));
            token = t.get();
        }
        cursorParam = prologue.query().first("cursor").asOptional().orElse(null);
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        Thread.ofVirtual().name("messenger-ws-writer").start(this::write);
        if (caller != null) {
            begin(cursorParam, null);
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        lastHeard = System.currentTimeMillis();
        if (!oversized) {
            partial.append(text);
            if (partial.length() > MAX_FRAME || partial.toString().getBytes(StandardCharsets.UTF_8).length > MAX_FRAME) {
                oversized = true;
                partial.setLength(0);
            }
        }
        if (!last) {
            return;
        }
        if (oversized) {
            oversized = false;
            error(null, Problem.of(413, "Frame too large", "A frame may hold at most " + MAX_FRAME + " bytes; it was ignored."));
            return;
        }
        String frame = partial.toString();
        partial.setLength(0);
        handle(frame);
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        error(null, Problem.of(400, "Binary frames are not supported", "Send JSON text frames."));
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        lastHeard = System.currentTimeMillis();
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        finish();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.log(Level.DEBUG, "WebSocket error: " + t);
        finish();
    }

    private void handle(String frame) {
        String requestId = null;
        try {
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(frame);
            } catch (java.io.IOException e) {
                throw ProblemException.badRequest("The frame is not valid JSON.");
            }
            if (node == null || !node.isObject()) {
                throw ProblemException.badRequest("A frame is a JSON object with a 'type'.");
            }
            requestId = node.path("requestId").isTextual() ? node.get("requestId").asText() : null;
            if (!node.path("type").isTextual()) {
                throw ProblemException.badField("type", "A frame needs a string 'type'.");
            }
            String type = node.get("type").asText();
            byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
            if ("auth".equals(type)) {
                authenticate(Bodies.parse(bytes, Commands.AuthFrame.class));
                return;
            }
            if (caller == null) {
                throw ProblemException.unauthorized("Authenticate first: {\"type\":\"auth\",\"token\":...}.");
            }
            if ("resume".equals(type)) {
                Commands.ResumeFrame r = Bodies.parse(bytes, Commands.ResumeFrame.class);
                resume(r.cursor() == null ? null : r.cursor().toString(), r.requestId());
                return;
            }
            if ("ping".equals(type)) {
                control(Json.writeString(Events.of("pong", "requestId", requestId)));
                return;
            }
            Object reply = commands.handle(caller, token, type, bytes);
            if (reply != null) {
                control(Json.writeString(Events.of("ack", "requestId", requestId, "result", reply)));
            }
        } catch (ProblemException e) {
            error(requestId, e.problem());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "WebSocket frame failed", e);
            error(requestId, Problem.of(500, "Internal error", "Unexpected error; it has been logged."));
        }
    }

    private void authenticate(Commands.AuthFrame auth) {
        if (caller != null) {
            throw ProblemException.badRequest("This socket is already authenticated.");
        }
        Optional<Caller> c = auth.token() == null ? Optional.empty() : verifier.verify(auth.token());
        if (c.isEmpty()) {
            enqueueClose(Json.writeString(Events.of("error", "status", 401, "title", "Unauthorized",
                    "detail", "Invalid or expired access token.")), UNAUTHORIZED, "unauthorized");
            return;
        }
        caller = c.get();
        token = auth.token();
        begin(auth.cursor() == null ? null : auth.cursor().toString(), auth.requestId());
    }

    /** Authenticated: joins the hub, says where the stream starts, and replays from the cursor if one was given. */
    private void begin(String cursor, String requestId) {
        long start = hub.log().lastCursor(caller.userId());
        Problem bad = null;
        if (cursor != null) {
            try {
                long c = Long.parseLong(cursor);
                if (c < 0 || c > start) {
                    bad = Problem.field(400, "cursor", "Cursor " + c + " is not in your event log (0 to " + start + ").");
                } else {
                    start = c;
                }
            } catch (NumberFormatException e) {
                bad = Problem.field(400, "cursor", "'cursor' must be an integer.");
            }
        }
        if (bad != null) {
            error(requestId, bad);
        }
        control(Json.writeString(Events.of("ready", "requestId", requestId, "userId", caller.userId(), "cursor", start)));
        lastSent = start;
        hub.add(this);
        pull();
    }

    /** Rewinds (or forwards) the stream to a cursor the client holds. */
    private void resume(String cursor, String requestId) {
        long last = hub.log().lastCursor(caller.userId());
        long c;
        try {
            c = Long.parseLong(cursor);
        } catch (NumberFormatException | NullPointerException e) {
            throw ProblemException.badField("cursor", "'cursor' must be an integer.");
        }
        if (c < 0 || c > last) {
            throw ProblemException.badField("cursor", "Cursor " + c + " is not in your event log (0 to " + last + ").");
        }
        control(Json.writeString(Events.of("ready", "requestId", requestId, "userId", caller.userId(), "cursor", c)));
        resumeTo = c;
        pull();
    }

    private volatile long resumeTo = -1;

    /** New durable events may exist: the writer reads the log after the last cursor it sent. */
    void pull() {
        pullWanted.set(true);
        wake.release();
    }

    /** Typing and presence: dropped first when the queue is filling up. */
    void offerEphemeral(String json) {
        if (caller == null || queue.remainingCapacity() <= settings.queue() / 4) {
            return;
        }
        if (queue.offer(new Out(json, true, 0, null))) {
            wake.release();
        }
    }

    private void control(String json) {
        if (!queue.offer(new Out(json, false, 0, null))) {
            tooSlow();
            return;
        }
        wake.release();
    }

    private void error(String requestId, Problem p) {
        control(Json.writeString(Events.of("error", "requestId", requestId, "status", p.status(), "title", p.title(),
                "detail", p.detail(), "field", p.field())));
    }

    private void enqueueClose(String json, int code, String reason) {
        queue.clear();
        queue.offer(new Out(json, false, code, reason));
        wake.release();
    }

    /** The auth session behind this socket was revoked. */
    void revoke() {
        enqueueClose(Json.writeString(Events.of("revoked")), UNAUTHORIZED, "session revoked");
    }

    /** The node is draining: the client should reconnect (to any instance) and resume from its cursor. */
    void reconnect() {
        enqueueClose(Json.writeString(Events.of("reconnect", "cursor", Math.max(lastSent, 0))), 1012, "server restarting");
    }

    private void tooSlow() {
        LOG.log(Level.INFO, "Disconnecting a client that cannot keep up");
        WsSession s = session;
        closed = true;
        finish();
        if (s != null) {
            // The close frame may never get through a full buffer: drop the connection soon anyway.
            Thread.ofVirtual().start(() -> {
                try {
                    s.close(TOO_SLOW, "too slow; resume from your cursor");
                } catch (RuntimeException ignored) {
                    // Already broken.
                }
            });
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                hardClose(s);
            });
        }
    }

    /**
     * Closes the TCP connection under a socket from any thread (WsSession.terminate only works on
     * the connection's own thread), which also ends Helidon's reader for it.
     */
    private static void hardClose(WsSession s) {
        try {
            if (s.socketContext() instanceof io.helidon.webserver.ConnectionContext cc) {
                cc.serverSocket().close();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Could not close the socket: " + e);
        }
    }

    /** Called by the hub's sweeper: heals lost signals, closes dead, stuck or unauthenticated sockets. */
    void sweep() {
        long now = System.currentTimeMillis();
        if (caller == null && now - openedAt > settings.authTimeoutMillis()) {
            enqueueClose(Json.writeString(Events.of("error", "status", 401, "title", "Unauthorized",
                    "detail", "No authentication in time.")), UNAUTHORIZED, "authentication timeout");
            return;
        }
        long started = sendStarted;
        if (started != 0 && now - started > settings.stuckSendMillis()) {
            tooSlow();
            return;
        }
        if (now - lastHeard > settings.deadAfterMillis()) {
            LOG.log(Level.INFO, "Closing a silent WebSocket");
            WsSession s = session;
            closed = true;
            finish();
            if (s != null) {
                hardClose(s);
            }
            return;
        }
        if (caller != null) {
            pull();
        }
    }

    private void write() {
        long lastPing = System.currentTimeMillis();
        try {
            while (!closed) {
                wake.tryAcquire(settings.heartbeatMillis(), TimeUnit.MILLISECONDS);
                Out o;
                while (!closed && (o = queue.poll()) != null) {
                    send(o.json());
                    if (o.closeCode() != 0) {
                        closed = true;
                        session.close(o.closeCode(), o.closeReason());
                        finish();
                        return;
                    }
                }
                long rewind = resumeTo;
                if (rewind >= 0) {
                    resumeTo = -1;
                    lastSent = rewind;
                }
                if (!closed && lastSent >= 0 && pullWanted.getAndSet(false)) {
                    List<UserEventLog.Event> events = hub.log().after(caller.userId(), lastSent, PAGE);
                    for (UserEventLog.Event e : events) {
                        if (closed) {
                            break;
                        }
                        send(e.json());
                        lastSent = e.cursor();
                    }
                    if (events.size() == PAGE) {
                        pull();
                    }
                }
                long now = System.currentTimeMillis();
                if (!closed && now - lastPing >= settings.heartbeatMillis()) {
                    lastPing = now;
                    session.ping(BufferData.empty());
                    if (caller != null) {
                        hub.heartbeat(caller.userId());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "WebSocket writer stopped: " + e);
            closed = true;
            WsSession s = session;
            if (s != null) {
                hardClose(s);
            }
            finish();
        }
    }

    private void send(String json) {
        sendStarted = System.currentTimeMillis();
        try {
            session.send(json, true);
        } finally {
            sendStarted = 0;
        }
    }

    private final AtomicBoolean finished = new AtomicBoolean();

    private void finish() {
        closed = true;
        wake.release();
        if (caller != null && finished.compareAndSet(false, true)) {
            hub.remove(this);
        }
    }

    /** Whether the writer has nothing left to send (the hub waits for it while draining). */
    boolean idle() {
        return closed || queue.isEmpty();
    }

    private static Optional<String> accessCookie(String header) {
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(TokenVerifier.ACCESS_COOKIE + "=")) {
                return Optional.of(p.substring(TokenVerifier.ACCESS_COOKIE.length() + 1));
            }
        }
        return Optional.empty();
    }
}

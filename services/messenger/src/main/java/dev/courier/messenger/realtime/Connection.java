package dev.courier.messenger.realtime;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import dev.courier.messenger.events.Events;
import dev.courier.messenger.events.EventStream;
import dev.courier.messenger.limits.Limits;
import dev.courier.messenger.observability.MessengerMetrics;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Json;
import dev.courier.platform.http.Problem;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/**
 * One client socket. Authenticated at the upgrade (cookie, {@code ?token=}, bearer header) or by
 * a first frame {@code {"type":"auth","token":...}}. What it is sent goes out in this order:
 * queued control and ephemeral frames, then the user's durable events in stream order: read from the
 * database after the socket's cursor until it has caught up with the hub, then as the hub routes
 * them ("live"); a socket whose queue of events fills reads the database again (so a slow client
 * costs no memory, and a resume is the same code path). Its cursor is the stream position up to
 * which it has been sent every event of its user's.
 *
 * <p>No thread waits for an idle socket: a writer (virtual) thread is started when there is
 * something to send and ends when nothing is left, one at a time per socket (the {@code scheduled}
 * flag, re-checked after the last drain so a frame queued meanwhile is never stranded). Pings come
 * from the hub's sweeper. An idle socket so holds only Helidon's reader stack and a few fields.
 *
 * <p>The socket lives as long as its access token: {@code token.expiring} is sent about
 * {@code expirywarningmillis} before it expires, and at expiry the socket is closed with 4401
 * "token expired", unless the client sent a fresh token for the same user in an {@code auth} frame.
 *
 * <p>The queue is bounded: typing/presence frames are dropped first when it fills; when control
 * frames (acks, errors) cannot be queued, or a send stays stuck, the client is disconnected and
 * resumes from its cursor. A socket silent for too long is closed.
 */
final class Connection implements WsListener, Dialect.Socket {

    static final int MAX_FRAME = 64 * 1024;
    static final int PAGE = 100;
    /** Close codes: 4401 not (or no longer) authenticated, 4408 too slow, 1012 server restarting. */
    static final int UNAUTHORIZED = 4401;
    static final int TOO_SLOW = 4408;
    static final int RESTARTING = 1012;
    /** A backing server is down at connect (PostgreSQL): the client retries later. */
    static final int TRY_AGAIN_LATER = 1013;

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    private static final ThreadFactory WRITERS = Thread.ofVirtual().name("messenger-ws-writer").factory();
    private static final ThreadFactory HANDLERS = Thread.ofVirtual().name("messenger-ws-frame").factory();
    // Frames are written and read without Jackson's thread-local buffer recycling: Helidon's reader
    // thread lives as long as its socket, and a recycled buffer in its ThreadLocal (about 8 KB) would
    // stay with every idle socket.
    static final ObjectMapper FRAMES = frameMapper();
    private static final VarHandle QUEUED = field("queued", int.class);
    private static final VarHandle HINTED = field("hinted", int.class);
    private static final VarHandle SCHEDULED = field("scheduled", boolean.class);
    private static final VarHandle PULL_WANTED = field("pullWanted", boolean.class);
    private static final VarHandle FINISHED = field("finished", boolean.class);

    private final Hub hub;
    private final TokenVerifier verifier;
    private final Commands commands;
    private final Dialect.Chooser dialects;
    /** Another system's protocol this socket speaks (chosen by its token or first frame), or null for Courier's. */
    private volatile Dialect dialect;
    private final Limits limits;
    private final WsSettings settings;
    // Unbounded queue with a counted bound: an idle socket holds an empty linked queue, not an array.
    private final ConcurrentLinkedQueue<Out> queue = new ConcurrentLinkedQueue<>();
    // Counters and flags are volatile fields updated through VarHandles: five Atomic* objects
    // would add 80 bytes to every socket.
    private volatile int queued;
    private final ConcurrentLinkedQueue<Hint> hints = new ConcurrentLinkedQueue<>();
    private volatile int hinted;
    private volatile boolean scheduled;
    private volatile boolean pullWanted;
    private volatile boolean pingWanted;
    private StringBuilder partial;
    private volatile Caller caller;
    private volatile String token;
    /** When the access token expires (epoch millis); the socket is closed with 4401 then unless renewed. */
    private volatile long expiresAt;
    private volatile boolean warned;
    private volatile String cursorParam;
    private volatile WsSession session;
    /** Every event of the user's up to this stream position has been sent (-1: not started). */
    private volatile long lastSent = -1;
    /** The hub sends this socket the events after {@code lastSent} (see {@link Hub#goLive}). */
    private volatile boolean live;
    /** Reads in a row after which the hub was still ahead (only the writer touches it). */
    private int missedLive;
    private volatile long lastHeard = System.currentTimeMillis();
    private volatile long lastPing = System.currentTimeMillis();
    private volatile long sendStarted;
    private volatile boolean closed;
    private boolean oversized;
    private final long openedAt = System.currentTimeMillis();

    private record Out(String json, boolean ephemeral, int closeCode, String closeReason) {
    }

    /** A durable event handed over with its cursor (see {@link #deliver}). */
    private record Hint(long cursor, EventFrame frame) {
    }

    Connection(Hub hub, TokenVerifier verifier, Commands commands, Limits limits, Dialect.Chooser dialects) {
        this.hub = hub;
        this.verifier = verifier;
        this.commands = commands;
        this.limits = limits;
        this.dialects = dialects;
        this.settings = hub.settings();
    }

    private static VarHandle field(String name, Class<?> type) {
        try {
            return MethodHandles.lookup().findVarHandle(Connection.class, name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static ObjectMapper frameMapper() {
        ObjectMapper m = Json.MAPPER.copy();
        m.getFactory().disable(JsonFactory.Feature.USE_THREAD_LOCAL_FOR_BUFFER_RECYCLING);
        return m;
    }

    static String write(Object frame) {
        try {
            return FRAMES.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize a frame", e);
        }
    }

    long userId() {
        return caller.userId();
    }

    String sessionId() {
        return caller.sessionId();
    }

    boolean authenticated() {
        return caller != null;
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
            // Off the reader thread, like every frame: verifying parses JSON, and Jackson would leave
            // its recycled buffers (about 0.6 KB with the thread-local entry) with every idle socket.
            String presented = t.get();
            offReader(() -> {
                // Chosen whether or not the token is valid: a refused seed client is refused in its own protocol.
                dialect = dialects.byToken(presented, this);
                verifier.verify(presented).ifPresent(c -> {
                    caller = c;
                    token = presented;
                    expiresAt = TokenVerifier.expiresAt(presented).toEpochMilli();
                });
            });
            if (caller == null) {
                throw new WsUpgradeException("Invalid or expired access token.");
            }
        }
        cursorParam = prologue.query().first("cursor").asOptional().orElse(null);
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        if (caller != null) {
            try {
                offReader(() -> begin(cursorParam, null));
            } catch (RuntimeException e) {
                if (dev.courier.platform.http.Problems.outage(e) == null) {
                    throw e;
                }
                session.close(TRY_AGAIN_LATER, "try again later");
            }
        } else {
            hub.pending(this, true);
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        lastHeard = System.currentTimeMillis();
        if (last) {
            MessengerMetrics.frameReceived();
        }
        if (last && partial == null && !oversized) {
            // The usual case, a frame in one piece: no buffer kept between frames.
            if (text.length() > MAX_FRAME || text.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME) {
                tooLarge();
                return;
            }
            offReader(() -> handle(text));
            return;
        }
        if (!oversized) {
            if (partial == null) {
                partial = new StringBuilder();
            }
            partial.append(text);
            if (partial.length() > MAX_FRAME || partial.toString().getBytes(StandardCharsets.UTF_8).length > MAX_FRAME) {
                oversized = true;
                partial = null;
            }
        }
        if (!last) {
            return;
        }
        if (oversized) {
            oversized = false;
            tooLarge();
            return;
        }
        String frame = partial.toString();
        partial = null;
        offReader(() -> handle(frame));
    }

    /**
     * Runs work for this socket on a short-lived thread and waits for it (so frames are still
     * handled one at a time, in order). Helidon's reader thread lives as long as the socket: what
     * the work leaves in thread locals (Jackson's recycled buffers, about 8 KB, the connection
     * pool's per-thread list) would otherwise stay with every idle socket; here it ends with the
     * helper thread.
     */
    private static void offReader(Runnable work) {
        RuntimeException[] failed = new RuntimeException[1];
        Thread t = HANDLERS.newThread(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                failed[0] = e;
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failed[0] != null) {
            // Raised on the reader thread, as before, so Helidon ends the connection as it would.
            throw failed[0];
        }
    }

    private void tooLarge() {
        error(null, Problem.of(413, "Frame too large", "A frame may hold at most " + MAX_FRAME + " bytes; it was ignored."));
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
        Dialect d = dialect;
        if (d != null) {
            d.received(frame);
            return;
        }
        String requestId = null;
        try {
            JsonNode node;
            try {
                node = FRAMES.readTree(frame);
            } catch (java.io.IOException e) {
                throw ProblemException.badRequest("The frame is not valid JSON.");
            }
            if (node == null || !node.isObject()) {
                throw ProblemException.badRequest("A frame is a JSON object with a 'type'.");
            }
            if (caller == null && (d = dialects.byFirstFrame(node, this)) != null) {
                dialect = d;
                d.received(frame);
                return;
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
                control(write(Events.of("pong", "requestId", requestId)));
                return;
            }
            Object reply = commands.handle(caller, token, type, bytes);
            if (reply != null) {
                control(write(Events.of("ack", "requestId", requestId, "result", reply)));
            }
        } catch (ProblemException e) {
            error(requestId, e.problem(), e.retryAfter());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "WebSocket frame failed", e);
            error(requestId, Problem.of(500, "Internal error", "Unexpected error; it has been logged."));
        }
    }

    private void authenticate(Commands.AuthFrame auth) {
        if (caller != null) {
            renew(auth);
            return;
        }
        Optional<Caller> c = auth.token() == null ? Optional.empty() : verifier.verify(auth.token());
        if (c.isEmpty()) {
            enqueueClose(translated(write(Events.of("error", "status", 401, "title", "Unauthorized",
                    "detail", "Invalid or expired access token."))), UNAUTHORIZED, "unauthorized");
            return;
        }
        caller = c.get();
        token = auth.token();
        expiresAt = TokenVerifier.expiresAt(token).toEpochMilli();
        hub.pending(this, false);
        begin(auth.cursor() == null ? null : auth.cursor().toString(), auth.requestId());
    }

    /**
     * A fresh access token for the same user on an open socket: it replaces the old one (and its
     * expiry), so the socket outlives the token it was opened with. Anything else changes nothing.
     */
    private void renew(Commands.AuthFrame auth) {
        if (auth.token() == null || auth.token().isBlank()) {
            throw ProblemException.badField("token", "A 'token' is required.");
        }
        Caller c = verifier.verify(auth.token())
                .orElseThrow(() -> ProblemException.unauthorized("Invalid or expired access token; the socket keeps its current one."));
        if (c.userId() != caller.userId()) {
            throw ProblemException.forbidden("This socket belongs to another user; open a new socket for this token.");
        }
        if (auth.cursor() != null) {
            throw ProblemException.badField("cursor", "A renewal does not move the stream; send a 'resume' frame.");
        }
        long until = TokenVerifier.expiresAt(auth.token()).toEpochMilli();
        // The new token may belong to a new session of the user: revoking that one closes this socket.
        caller = c;
        token = auth.token();
        expiresAt = until;
        warned = false;
        control(write(Events.of("ack", "requestId", auth.requestId(), "result",
                Map.of("userId", c.userId(), "expiresAt", Instant.ofEpochMilli(until).toString()))));
    }

    /** Authenticated: joins the hub, says where the stream starts, and replays from the cursor if one was given. */
    private void begin(String cursor, String requestId) {
        long wait = limits.socketForUser(caller.userId());
        if (wait > 0) {
            enqueueClose(write(Events.of("error", "requestId", requestId, "status", 429, "title", "Too many requests",
                    "detail", "Too many sockets opened by this user; retry later.", "retryAfter", wait)),
                    Limits.SOCKET_CLOSE_CODE, "too many sockets");
            return;
        }
        hub.reading(() -> {
            open(cursor, requestId);
            return null;
        });
        pull();
    }

    /** Joins the hub, says where the stream starts; its reads hold one of the hub's read slots. */
    private void open(String cursor, String requestId) {
        long start = hub.stream().head().pos();
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
        hub.add(this);
        // In the routing table before "ready", so a chat's typing reaches the socket at once; its
        // events are read from the database from the cursor on, then routed live.
        for (int i = 0; i < 3; i++) {
            EventStream.Chats chats = hub.stream().chats(caller.userId());
            if (hub.seed(this, chats.head().pos(), chats.chats())) {
                break;
            }
        }
        control(write(Events.of("ready", "requestId", requestId, "userId", caller.userId(), "cursor", start)));
        lastSent = start;
    }

    /** Rewinds (or forwards) the stream to a cursor the client holds. */
    private void resume(String cursor, String requestId) {
        long last = hub.stream().head().pos();
        long c;
        try {
            c = Long.parseLong(cursor);
        } catch (NumberFormatException | NullPointerException e) {
            throw ProblemException.badField("cursor", "'cursor' must be an integer.");
        }
        if (c < 0 || c > last) {
            throw ProblemException.badField("cursor", "Cursor " + c + " is not in your event log (0 to " + last + ").");
        }
        control(write(Events.of("ready", "requestId", requestId, "userId", caller.userId(), "cursor", c)));
        resumeTo = c;
        pull();
    }

    private volatile long resumeTo = -1;

    /** The writer reads the user's events after the socket's cursor from the database. */
    void pull() {
        live = false;
        pullWanted = true;
        kick();
    }

    /** Set by the hub when this socket has caught up with it. */
    void live(boolean on) {
        live = on;
    }

    /** Whether the socket is closed or closing (the hub need not route to it). */
    boolean closing() {
        return closed;
    }

    /**
     * A durable event for this socket's user, routed by the hub in stream order. Sent when the
     * socket is live and has not read it from the database already; when too many are waiting, the
     * socket stops being live and reads the database instead.
     */
    void deliver(long cursor, EventFrame frame) {
        if (!live || cursor <= lastSent) {
            return;
        }
        if ((int) HINTED.getAndAdd(this, 1) + 1 > settings.queue()) {
            HINTED.getAndAdd(this, -1);
            live = false;
            pullWanted = true;
        } else {
            hints.add(new Hint(cursor, frame));
        }
        kick();
    }

    /** Typing and presence: dropped first when the queue is filling up. */
    void offerEphemeral(String json) {
        if (caller == null || dialect != null || queued >= settings.queue() - settings.queue() / 4) {
            return;
        }
        if (offer(new Out(json, true, 0, null))) {
            kick();
        }
    }

    private void control(String json) {
        String out = translated(json);
        if (out != null) {
            queueControl(out);
        }
    }

    /** Courier's frame as this socket's protocol has it (null: nothing is sent). */
    String translated(String json) {
        Dialect d = dialect;
        return d == null || json == null ? json : d.translate(json);
    }

    private void queueControl(String json) {
        if (!offer(new Out(json, false, 0, null))) {
            MessengerMetrics.slowDisconnect(MessengerMetrics.QUEUE_FULL);
            tooSlow();
            return;
        }
        kick();
    }

    private boolean offer(Out o) {
        if ((int) QUEUED.getAndAdd(this, 1) + 1 > settings.queue()) {
            QUEUED.getAndAdd(this, -1);
            return false;
        }
        queue.add(o);
        return true;
    }

    private Out poll() {
        Out o = queue.poll();
        if (o != null) {
            QUEUED.getAndAdd(this, -1);
        }
        return o;
    }

    private void error(String requestId, Problem p) {
        error(requestId, p, null);
    }

    /** An error frame; over a limit it says in {@code retryAfter} (seconds) when to try again, like REST's Retry-After. */
    private void error(String requestId, Problem p, java.time.Duration retryAfter) {
        control(write(Events.of("error", "requestId", requestId, "status", p.status(), "title", p.title(),
                "detail", p.detail(), "field", p.field(),
                "retryAfter", retryAfter == null ? null : Math.max(1, (retryAfter.toMillis() + 999) / 1000))));
    }

    private void enqueueClose(String json, int code, String reason) {
        while (poll() != null) {
            // Whatever was queued is moot once the socket closes.
        }
        QUEUED.getAndAdd(this, 1);
        queue.add(new Out(json, false, code, reason));
        kick();
    }

    /**
     * A text frame holding U+FFFD, which is what Helidon hands over for bytes that were not UTF-8:
     * an error frame (with the frame's requestId when it has one), the frame applied to nothing, and
     * the socket kept open. Not RFC 6455's close with 1007: the bytes are gone, so this may as well be
     * a browser's valid U+FFFD, and closing would make a client that resends after reconnecting
     * (as the web app does) loop.
     */
    void invalidText(String text) {
        partial = null;
        oversized = false;
        String requestId = null;
        try {
            com.fasterxml.jackson.databind.JsonNode id = Json.MAPPER.readTree(text).path("requestId");
            requestId = id.isTextual() ? id.asText() : null;
        } catch (java.io.IOException | RuntimeException e) {
            // Not even JSON: the error goes without a requestId.
        }
        error(requestId, Problem.of(400, "Bad request",
                "A text frame must be valid UTF-8; U+FFFD, which invalid bytes decode to, is refused too (send it over REST)."));
    }

    /** The auth session behind this socket was revoked. */
    void revoke() {
        enqueueClose(translated(write(Events.of("revoked"))), UNAUTHORIZED, "session revoked");
    }

    /** The node is draining: the client should reconnect (to any instance) and resume from its cursor. */
    void reconnect() {
        // The frame is made by the writer when it gets there (see drain): the cursor read here could
        // miss an event being written at this moment, and the client would then get it twice.
        enqueueClose(null, RESTARTING, "server restarting");
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

    /**
     * Called by the hub's ticker: pings when a heartbeat is due, closes dead, stuck, expired or
     * unauthenticated sockets.
     */
    void tick(long now) {
        if (closed) {
            return;
        }
        if (caller == null && now - openedAt > settings.authTimeoutMillis()) {
            enqueueClose(translated(write(Events.of("error", "status", 401, "title", "Unauthorized",
                    "detail", "No authentication in time."))), UNAUTHORIZED, "authentication timeout");
            return;
        }
        long started = sendStarted;
        if (started != 0 && now - started > settings.stuckSendMillis()) {
            MessengerMetrics.slowDisconnect(MessengerMetrics.STUCK_SEND);
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
        long expiry = expiresAt;
        if (caller != null && expiry > 0) {
            if (now >= expiry) {
                enqueueClose(null, UNAUTHORIZED, "token expired");
                return;
            }
            if (!warned && now >= expiry - settings.expiryWarningMillis()) {
                warned = true;
                control(write(Events.of("token.expiring", "expiresAt", Instant.ofEpochMilli(expiry).toString())));
            }
        }
        boolean wake = false;
        if (now - lastPing >= settings.heartbeatMillis()) {
            lastPing = now;
            pingWanted = true;
            wake = true;
        }
        if (wake) {
            kick();
        }
    }

    /** Makes sure a writer runs: starts one unless one is already scheduled. */
    private void kick() {
        if (!closed && session != null && SCHEDULED.compareAndSet(this, false, true)) {
            try {
                WRITERS.newThread(this::writer).start();
            } catch (RuntimeException e) {
                scheduled = false;
                throw e;
            }
        }
    }

    private boolean hasWork() {
        return !queue.isEmpty() || pingWanted || resumeTo >= 0 || (pullWanted && lastSent >= 0) || !hints.isEmpty();
    }

    private void writer() {
        try {
            do {
                drain();
                scheduled = false;
                // Work queued after the last look but before the flag was cleared would find the
                // flag still set and start no writer: look once more, and carry on if there is some.
            } while (!closed && hasWork() && SCHEDULED.compareAndSet(this, false, true));
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

    /**
     * Sends everything there is, in order: control and ephemeral frames, then durable events.
     * Frames waiting together go out in one socket write; what was gathered is written before a
     * ping or a close, before a log read, and when nothing is left.
     */
    private void drain() {
        FrameBatch out = new FrameBatch();
        while (!closed) {
            if (out.full()) {
                flush(out);
            }
            Out o = poll();
            if (o != null) {
                if (o.json() != null) {
                    out.text(o.json());
                }
                if (o.closeCode() == RESTARTING && dialect == null) {
                    // Every earlier frame is written or gathered: this is the last cursor the client gets.
                    out.text(write(Events.of("reconnect", "cursor", Math.max(lastSent, 0))));
                }
                if (o.closeCode() != 0) {
                    try {
                        flush(out);
                        session.close(o.closeCode(), o.closeReason());
                    } finally {
                        finish();
                    }
                    return;
                }
                continue;
            }
            if (pingWanted) {
                pingWanted = false;
                flush(out);
                session.ping(BufferData.empty());
                continue;
            }
            long rewind = resumeTo;
            if (rewind >= 0) {
                resumeTo = -1;
                live = false;
                lastSent = rewind;
            }
            if (lastSent >= 0 && (boolean) PULL_WANTED.getAndSet(this, false)) {
                flush(out);
                long from = lastSent;
                EventStream.Page page = hub.reading(() -> hub.stream().after(caller.userId(), from, PAGE));
                for (EventStream.Event e : page.events()) {
                    if (closed) {
                        return;
                    }
                    if (out.full()) {
                        flush(out);
                    }
                    String json = translated(e.json());
                    if (json != null) {
                        out.text(json);
                    }
                }
                lastSent = page.next(from);
                if (page.full()) {
                    pullWanted = true;
                } else if (!hub.goLive(this, lastSent, page.chats())) {
                    // The hub routed past what was read (events committed since): read on. The
                    // database is never behind the hub for long, but a read never loops hot.
                    pullWanted = true;
                    if (++missedLive > 2) {
                        pause();
                    }
                } else {
                    missedLive = 0;
                }
                continue;
            }
            Hint h = hints.poll();
            if (h != null) {
                HINTED.getAndAdd(this, -1);
                // Hints that came before the socket last stopped being live were read from the database.
                if (live && !pullWanted && h.cursor() > lastSent) {
                    if (dialect == null) {
                        out.event(h.cursor(), h.frame());
                    } else {
                        String json = translated("{" + new String(h.frame().rest, StandardCharsets.UTF_8));
                        if (json != null) {
                            out.text(json);
                        }
                    }
                    lastSent = h.cursor();
                }
                continue;
            }
            flush(out);
            return;
        }
    }

    /**
     * Writes the gathered frames in one call straight to the connection: Helidon's
     * {@code WsSession.send} writes (a system call) per frame. The write is one call on the socket,
     * so a pong or close frame Helidon sends from the reader thread cannot land inside it.
     */
    private void flush(FrameBatch out) {
        if (out.isEmpty() || closed) {
            out.clear();
            return;
        }
        if (!(session.socketContext() instanceof io.helidon.webserver.ConnectionContext cc)) {
            throw new IllegalStateException("Not a server WebSocket connection");
        }
        sendStarted = System.currentTimeMillis();
        try {
            cc.dataWriter().writeNow(BufferData.createReadOnly(out.bytes(), 0, out.length()));
        } finally {
            sendStarted = 0;
            out.clear();
        }
    }

    private volatile boolean finished;

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finish() {
        closed = true;
        if (FINISHED.compareAndSet(this, false, true)) {
            if (caller != null) {
                hub.remove(this);
            } else {
                hub.pending(this, false);
            }
        }
    }

    /** Whether the writer has nothing left to send (the hub waits for it while draining). */
    boolean idle() {
        return finished || (queue.isEmpty() && !scheduled);
    }

    @Override
    public Caller caller() {
        return caller;
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public Caller authenticate(String presented) {
        Caller c = presented == null ? null : verifier.verify(presented).orElse(null);
        if (c == null) {
            throw ProblemException.unauthorized("Invalid or expired access token.");
        }
        if (caller != null && c.userId() != caller.userId()) {
            throw ProblemException.forbidden("This socket belongs to another user; open a new socket for this token.");
        }
        boolean first = caller == null;
        caller = c;
        token = presented;
        expiresAt = TokenVerifier.expiresAt(presented).toEpochMilli();
        warned = false;
        if (first) {
            hub.pending(this, false);
            begin(null, null);
        }
        return c;
    }

    @Override
    public void send(String frame) {
        queueControl(frame);
    }

    @Override
    public void close(String lastFrame, int code, String reason) {
        enqueueClose(lastFrame, code, reason);
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

package dev.courier.messenger.realtime;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.courier.messenger.events.Appended;
import dev.courier.messenger.events.Events;
import dev.courier.messenger.events.Signals;
import dev.courier.messenger.events.EventStream;
import dev.courier.platform.db.Database;

/**
 * This replica's sockets and its view of the event stream. Every event committed anywhere reaches
 * every replica once (from the commit here, or a "changed" signal from another replica); the hub
 * takes them in position order (buffering any that overtook a missing one, and reading a gap that
 * does not fill by itself from the database) and routes each to the sockets of the users who are
 * members of its chat here: a table of chats to the users who have sockets here, kept current by
 * the membership changes the stream carries. An event's frame is encoded once for all its
 * sockets, and a message costs one signal whatever the size of its chat.
 *
 * <p>A socket is sent events from the hub only while it is "live": it has read its events from the
 * database up to a position at or past the hub's, so what the hub sends it next is exactly what
 * follows (anything the hub routes that the socket already read is dropped by position). A socket
 * that falls behind (its queue of events full) or resumes elsewhere in the stream reads the
 * database again and goes live again.
 *
 * <p>One ticker thread serves every socket: it pings each when its heartbeat is due, refreshes
 * presence once per user and heartbeat, and every sweep period checks that the hub has seen the
 * stream's head (a lost signal) and closes dead, stuck or never-authenticated sockets.
 * Ephemeral frames are queued as they are; revocations close matching sockets.
 */
public final class Hub implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Hub.class.getName());
    /*
     * Presence goes to the users one shares a direct chat or a small room with: in a room of
     * thousands, every member's coming and going to every other member would be the quadratic
     * traffic big rooms must not cost.
     */
    static final int PRESENCE_MAX_ROOM = 100;
    private static final String CONTACTS = """
            SELECT DISTINCT o.user_id FROM members m
            JOIN conversations c ON c.id = m.conversation_id AND c.member_count <= ?
            JOIN members o ON o.conversation_id = m.conversation_id
            WHERE m.user_id = ? AND o.user_id <> ? LIMIT 2000
            """;
    /** Events read from the database at once when the hub fills a gap. */
    private static final int RANGE = 1_000;
    /** Events waiting behind a gap, at most; beyond that they are dropped and read back. */
    private static final int MAX_PENDING = 10_000;
    /** How long a gap may wait for the signal that fills it before the hub reads it. */
    private static final long GAP_MILLIS = 50;

    // A user's sockets as an array replaced on open and close: each delivery walks it, and an
    // array is cheaper to walk (and smaller to keep) than a concurrent set, most users having one.
    private final Map<Long, Connection[]> byUser = new ConcurrentHashMap<>();
    /** Open sockets that have not authenticated yet (pinged, and closed when the auth timeout passes). */
    private final Set<Connection> pending = ConcurrentHashMap.newKeySet();
    private final EventStream stream;
    private final Signals signals;
    private final Presence presence;
    private final java.util.concurrent.ExecutorService announcer =
            java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofVirtual().name("messenger-presence-announcer").factory());
    private final java.util.concurrent.Semaphore reads;
    private final Database db;
    private final WsSettings settings;
    private volatile boolean running = true;
    private Thread sweeper;
    private Thread router;
    /** Committed events waiting for the router thread, in batches (bounded; see toRoute). */
    private final java.util.concurrent.BlockingQueue<List<Appended>> inbox = new java.util.concurrent.ArrayBlockingQueue<>(10_000);

    // The hub's view of the stream, guarded by "route": the newest position routed, events that
    // came before the ones they follow, and who is in which chat among this replica's users.
    private final Object route = new Object();
    private long routed;
    private final TreeMap<Long, Appended> early = new TreeMap<>();
    private final Map<Long, Set<Long>> chatUsers = new HashMap<>();
    private final Map<Long, Set<Long>> userChats = new HashMap<>();
    private final AtomicBoolean gapReader = new AtomicBoolean();

    public Hub(EventStream stream, Signals signals, Presence presence, Database db, WsSettings settings) {
        this.stream = stream;
        this.signals = signals;
        this.presence = presence;
        this.db = db;
        this.settings = settings;
        this.reads = new java.util.concurrent.Semaphore(settings.dbReads(), true);
    }

    EventStream stream() {
        return stream;
    }

    WsSettings settings() {
        return settings;
    }

    Signals signals() {
        return signals;
    }

    public void start() {
        synchronized (route) {
            routed = stream.head().pos();
        }
        signals.listen(this::changed, this::ephemeral, this::revoked);
        router = Thread.ofPlatform().daemon().name("messenger-stream-router").start(this::routeLoop);
        sweeper = Thread.ofVirtual().name("messenger-ws-sweeper").start(this::sweep);
    }

    boolean accepting() {
        return running;
    }

    void add(Connection c) {
        byUser.merge(c.userId(), new Connection[] {c}, (had, one) -> {
            for (Connection x : had) {
                if (x == c) {
                    return had;
                }
            }
            Connection[] more = Arrays.copyOf(had, had.length + 1);
            more[had.length] = c;
            return more;
        });
        if (presence.opened(c.userId())) {
            announce(c.userId(), true);
        }
    }

    void remove(Connection c) {
        boolean[] removed = new boolean[1];
        byUser.computeIfPresent(c.userId(), (u, had) -> {
            for (int i = 0; i < had.length; i++) {
                if (had[i] == c) {
                    removed[0] = true;
                    if (had.length == 1) {
                        return null;
                    }
                    Connection[] fewer = new Connection[had.length - 1];
                    System.arraycopy(had, 0, fewer, 0, i);
                    System.arraycopy(had, i + 1, fewer, i, had.length - i - 1);
                    return fewer;
                }
            }
            return had;
        });
        if (removed[0]) {
            if (!byUser.containsKey(c.userId())) {
                synchronized (route) {
                    if (!byUser.containsKey(c.userId())) {
                        forget(c.userId());
                    }
                }
            }
            if (presence.closed(c.userId())) {
                announce(c.userId(), false);
            }
        }
    }

    /** Takes a user out of the routing table (no socket of theirs is left here). Holds "route". */
    private void forget(long userId) {
        Set<Long> chats = userChats.remove(userId);
        if (chats != null) {
            for (Long chat : chats) {
                Set<Long> users = chatUsers.get(chat);
                if (users != null) {
                    users.remove(userId);
                    if (users.isEmpty()) {
                        chatUsers.remove(chat);
                    }
                }
            }
        }
    }

    /**
     * A socket that read its events up to {@code covered} asks to be sent the rest by the hub. It
     * may when the hub has routed nothing past that position (else it reads again). The first
     * live socket of a user puts the user's chats, as read with {@code covered}, in the routing
     * table; events up to {@code covered} that the hub routes later replay their membership
     * changes onto it, which leaves it as it is at the hub's position.
     */
    boolean goLive(Connection c, long covered, Set<Long> chats) {
        synchronized (route) {
            if (!seed(c, covered, chats)) {
                return false;
            }
            c.live(true);
            return true;
        }
    }

    /**
     * Puts a user with a socket here in the routing table with their chats as read at {@code at}
     * (which must not be behind the hub), unless they are in it already: from then on the chats'
     * typing reaches the socket even before it has caught up with the stream.
     */
    boolean seed(Connection c, long at, Set<Long> chats) {
        synchronized (route) {
            long u = c.userId();
            if (at < routed || c.closing() || !byUser.containsKey(u)) {
                return false;
            }
            if (!userChats.containsKey(u)) {
                userChats.put(u, new HashSet<>(chats));
                for (Long chat : chats) {
                    chatUsers.computeIfAbsent(chat, x -> new HashSet<>()).add(u);
                }
            }
            return true;
        }
    }

    void pending(Connection c, boolean waiting) {
        if (waiting) {
            pending.add(c);
        } else {
            pending.remove(c);
        }
    }

    /** Live local sockets (for tests and metrics). */
    public int size() {
        return byUser.values().stream().mapToInt(a -> a.length).sum();
    }

    /**
     * Events just committed here, before any signal goes out. Routed by the router thread, not the
     * committing one: handing an event to ten thousand sockets must not hold up the sender's ack
     * (in a 10,000-member room it made the ack wait for the whole fan-out: p99 227-427 ms).
     */
    public void local(List<Appended> appended) {
        toRoute(appended);
    }

    private void changed(Signals.Changed s) {
        if (signals.mine(s)) {
            return;
        }
        toRoute(s.carried());
    }

    /** Queues events for the router; a full queue drops them, and the gap they leave is read back. */
    private void toRoute(List<Appended> events) {
        if (!inbox.offer(events)) {
            readGapSoon();
        }
    }

    private void routeLoop() {
        List<List<Appended>> batch = new ArrayList<>();
        while (running || !inbox.isEmpty()) {
            try {
                List<Appended> first = inbox.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                inbox.drainTo(batch, 255);
                List<Appended> events = new ArrayList<>();
                batch.forEach(events::addAll);
                offer(events);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Routing events failed (the gap is read back): " + e);
            }
        }
    }

    /**
     * Takes events in any order and routes those that follow the newest routed one, in position
     * order; the rest wait for the events before them (or are read back from the database).
     */
    void offer(List<Appended> events) {
        boolean gap;
        synchronized (route) {
            for (Appended a : events) {
                if (a.pos() > routed) {
                    early.put(a.pos(), a);
                }
            }
            Map.Entry<Long, Appended> next;
            while ((next = early.firstEntry()) != null && next.getKey() <= routed + 1) {
                early.pollFirstEntry();
                if (next.getKey() == routed + 1) {
                    routeOne(next.getValue());
                }
            }
            if (early.size() > MAX_PENDING) {
                early.clear();
            }
            gap = !early.isEmpty();
        }
        if (gap) {
            readGapSoon();
        }
    }

    /** Routes one event to its chat's users here, and applies its membership changes. Holds "route". */
    private void routeOne(Appended a) {
        String json = a.json();
        if (json == null) {
            // Too large for the signal: read back (rare; the hub waits, as every later event would).
            List<Appended> back = stream.range(a.pos() - 1, a.pos(), 1);
            json = back.isEmpty() ? null : back.get(0).json();
        }
        routed = a.pos();
        if (json == null) {
            return;
        }
        for (Long u : a.joined()) {
            Set<Long> chats = userChats.get(u);
            if (chats != null && chats.add(a.conversationId())) {
                chatUsers.computeIfAbsent(a.conversationId(), x -> new HashSet<>()).add(u);
            }
        }
        EventFrame frame = new EventFrame(json);
        Set<Long> users = chatUsers.get(a.conversationId());
        if (users != null) {
            for (Long u : users) {
                deliver(u, a.pos(), frame);
            }
        }
        for (Long u : a.left()) {
            Set<Long> chats = userChats.get(u);
            if (chats != null && chats.remove(a.conversationId())) {
                Set<Long> members = chatUsers.get(a.conversationId());
                if (members != null) {
                    members.remove(u);
                    if (members.isEmpty()) {
                        chatUsers.remove(a.conversationId());
                    }
                }
            }
        }
    }

    private void deliver(long userId, long pos, EventFrame frame) {
        Connection[] set = byUser.get(userId);
        if (set != null) {
            for (Connection c : set) {
                c.deliver(pos, frame);
            }
        }
    }

    /** A gap that no signal fills within {@link #GAP_MILLIS} is read from the database. */
    private void readGapSoon() {
        if (!gapReader.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("messenger-stream-gap").start(() -> {
            try {
                Thread.sleep(GAP_MILLIS);
                catchUp(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Reading a gap in the event stream failed (the sweep retries): " + e);
            } finally {
                gapReader.set(false);
            }
        });
    }

    /**
     * Reads what the hub is missing from the database: up to the first event waiting behind a gap,
     * or (with {@code toHead}, the sweep's check for a lost last signal) up to the stream's head.
     */
    private void catchUp(boolean toHead) {
        while (running) {
            long from;
            long upTo;
            synchronized (route) {
                from = routed;
                Long first = early.isEmpty() ? null : early.firstKey();
                upTo = first != null ? first - 1 : (toHead ? Long.MAX_VALUE : routed);
            }
            if (upTo == Long.MAX_VALUE) {
                upTo = stream.head().pos();
            }
            if (upTo <= from) {
                return;
            }
            List<Appended> missing = stream.range(from, upTo, RANGE);
            long first = missing.isEmpty() ? upTo + 1 : missing.get(0).pos();
            if (first > from + 1) {
                // Positions that are gone: pruned while this replica was cut off from the others
                // for longer than the stream keeps. Its sockets cannot be sent them: they read the
                // database again, where a resume from before what is kept starts with "resync".
                skipTo(first - 1);
            }
            if (missing.isEmpty()) {
                return;
            }
            offer(missing);
        }
    }

    private void skipTo(long pos) {
        synchronized (route) {
            if (pos <= routed) {
                return;
            }
            LOG.log(Level.WARNING, "Event stream positions " + (routed + 1) + " to " + pos + " are gone; every socket here reads again");
            routed = pos;
        }
        for (Connection[] set : byUser.values()) {
            for (Connection c : set) {
                c.pull();
            }
        }
    }

    private void ephemeral(Signals.Ephemeral e) {
        String json = dev.courier.platform.http.Json.writeString(e.frame());
        List<Long> users;
        if (e.conversationId() != null) {
            synchronized (route) {
                Set<Long> members = chatUsers.get(e.conversationId());
                users = members == null ? List.of() : new ArrayList<>(members);
            }
        } else {
            users = e.userIds();
        }
        for (Long u : users) {
            if (u.equals(e.exceptUserId())) {
                continue;
            }
            Connection[] set = byUser.get(u);
            if (set != null) {
                for (Connection c : set) {
                    c.offerEphemeral(json);
                }
            }
        }
    }

    private void revoked(Signals.Revoked r) {
        Connection[] set = byUser.get(r.userId());
        if (set != null) {
            Arrays.stream(set).filter(c -> "*".equals(r.sessionId()) || c.sessionId().equals(r.sessionId()))
                    .forEach(Connection::revoke);
        }
    }

    /**
     * Tells the users who share a chat with {@code userId} that it came online or went offline, in
     * order, on one thread: the opening socket does not wait for it, and a burst of opens reads the
     * contacts one after another instead of all at once from the connection pool.
     */
    private void announce(long userId, boolean online) {
        try {
            announcer.execute(() -> announceNow(userId, online));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down: nobody is left to tell.
        }
    }

    private void announceNow(long userId, boolean online) {
        try {
            List<Long> contacts = db.withConnection(c -> {
                try (var ps = c.prepareStatement(CONTACTS)) {
                    ps.setInt(1, PRESENCE_MAX_ROOM);
                    ps.setLong(2, userId);
                    ps.setLong(3, userId);
                    List<Long> out = new java.util.ArrayList<>();
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getLong(1));
                        }
                    }
                    return out;
                }
            });
            signals.ephemeral(contacts, Events.of("presence", "userId", userId, "online", online));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Presence announcement failed: " + e);
        }
    }

    private volatile boolean refreshing;

    /**
     * Runs a socket's database reads (its open, its catch-up pages) once one of
     * {@code ws.dbreads} slots is free. Waiting here is cheap (virtual threads, in arrival order);
     * waiting in the connection pool is bounded by its timeout, after which the socket was lost.
     */
    <T> T reading(java.util.function.Supplier<T> work) {
        reads.acquireUninterruptibly();
        try {
            return work.get();
        } finally {
            reads.release();
        }
    }

    private void sweep() {
        long tick = Math.max(10, Math.min(settings.sweepMillis(), settings.heartbeatMillis()));
        long lastSweep = System.currentTimeMillis();
        long lastPresence = lastSweep;
        while (running) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.currentTimeMillis();
            boolean full = now - lastSweep >= settings.sweepMillis();
            if (full) {
                lastSweep = now;
            }
            if (full) {
                // A lost signal leaves the hub behind the head with no later event to show it.
                try {
                    catchUp(true);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Could not read the event stream's head for the sweep: " + e);
                }
            }
            for (Connection[] set : byUser.values()) {
                for (Connection c : set) {
                    tick(c, now);
                }
            }
            for (Connection c : pending) {
                tick(c, now);
            }
            if (now - lastPresence >= settings.heartbeatMillis() && !refreshing) {
                lastPresence = now;
                // Once per user, however many sockets it has here, and off the sweeper: a slow
                // Redis must not hold back the pings and idle checks of every socket.
                refreshing = true;
                List<Long> users = List.copyOf(byUser.keySet());
                Thread.ofVirtual().name("messenger-presence-heartbeat").start(() -> {
                    try {
                        presence.refreshAll(users);
                    } finally {
                        refreshing = false;
                    }
                });
            }
        }
    }

    private static void tick(Connection c, long now) {
        try {
            c.tick(now);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Sweeping a socket failed: " + e);
        }
    }

    /** Tells every socket to reconnect elsewhere, with its cursor, then closes it. */
    public void drain() {
        running = false;
        for (Connection[] set : byUser.values()) {
            for (Connection c : set) {
                c.reconnect();
            }
        }
        long until = System.currentTimeMillis() + 3000;
        while (System.currentTimeMillis() < until && byUser.values().stream().flatMap(Arrays::stream).anyMatch(c -> !c.idle())) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        drain();
        if (sweeper != null) {
            sweeper.interrupt();
        }
        if (router != null) {
            router.interrupt();
        }
        announcer.shutdown();
    }
}

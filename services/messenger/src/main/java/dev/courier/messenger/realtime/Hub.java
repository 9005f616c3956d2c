package dev.courier.messenger.realtime;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.courier.messenger.events.Appended;
import dev.courier.messenger.events.Events;
import dev.courier.messenger.events.Signals;
import dev.courier.messenger.events.UserEventLog;
import dev.courier.platform.db.Database;

/**
 * This replica's live sockets by user, and what reaches them: events committed here are handed to
 * local sockets at once; "changed" signals from other replicas hand over the events they carry and
 * make the sockets of users whose events were not carried pull their durable log; ephemeral frames are queued as they are; revocations close
 * matching sockets. One ticker thread serves every socket: it pings each when its heartbeat is due,
 * refreshes presence once per user and heartbeat, and every sweep period heals lost signals and
 * closes dead, stuck or never-authenticated sockets.
 */
public final class Hub implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Hub.class.getName());
    private static final String CONTACTS = """
            SELECT DISTINCT o.user_id FROM members m JOIN members o ON o.conversation_id = m.conversation_id
            WHERE m.user_id = ? AND o.user_id <> ? LIMIT 2000
            """;

    // A user's sockets as an array replaced on open and close: each delivery walks it, and an
    // array is cheaper to walk (and smaller to keep) than a concurrent set, most users having one.
    private final Map<Long, Connection[]> byUser = new ConcurrentHashMap<>();
    /** Open sockets that have not authenticated yet (pinged, and closed when the auth timeout passes). */
    private final Set<Connection> pending = ConcurrentHashMap.newKeySet();
    private final UserEventLog log;
    private final Signals signals;
    private final Presence presence;
    private final Database db;
    private final WsSettings settings;
    private volatile boolean running = true;
    private Thread sweeper;

    public Hub(UserEventLog log, Signals signals, Presence presence, Database db, WsSettings settings) {
        this.log = log;
        this.signals = signals;
        this.presence = presence;
        this.db = db;
        this.settings = settings;
    }

    UserEventLog log() {
        return log;
    }

    WsSettings settings() {
        return settings;
    }

    Signals signals() {
        return signals;
    }

    public void start() {
        signals.listen(this::changed, this::ephemeral, this::revoked);
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
            if (presence.closed(c.userId())) {
                announce(c.userId(), false);
            }
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
     * Hands this replica's sockets the events just committed here, before any signal goes out: a
     * caught-up socket sends its frame at once, any other reads its log.
     */
    public void local(List<Appended> appended) {
        if (byUser.isEmpty()) {
            return;
        }
        for (Appended a : appended) {
            EventFrame frame = null;
            for (Appended.Entry e : a.entries()) {
                frame = deliver(e.userId(), e.cursor(), a.json(), frame);
            }
        }
    }

    /**
     * Hands one user's copy of an event to its sockets. The event's bytes are encoded once, at its
     * first recipient with a socket here, and shared by every recipient: only the cursor differs.
     */
    private EventFrame deliver(long userId, long cursor, String json, EventFrame frame) {
        Connection[] set = byUser.get(userId);
        if (set == null) {
            return frame;
        }
        EventFrame f = frame != null ? frame : new EventFrame(json);
        for (Connection c : set) {
            c.deliver(cursor, f);
        }
        return f;
    }

    private void changed(Signals.Changed s) {
        if (signals.mine(s)) {
            return;
        }
        for (Signals.Carried e : s.carried()) {
            EventFrame frame = null;
            for (Signals.Cursor c : e.cursors()) {
                frame = deliver(c.userId(), c.cursor(), e.json(), frame);
            }
        }
        for (Long u : s.toPull()) {
            Connection[] set = byUser.get(u);
            if (set != null) {
                for (Connection c : set) {
                    c.pull();
                }
            }
        }
    }

    private void ephemeral(Signals.Ephemeral e) {
        String json = dev.courier.platform.http.Json.writeString(e.frame());
        for (Long u : e.userIds()) {
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

    /** Tells the users who share a chat with {@code userId} that it came online or went offline. */
    private void announce(long userId, boolean online) {
        try {
            List<Long> contacts = db.withConnection(c -> {
                try (var ps = c.prepareStatement(CONTACTS)) {
                    ps.setLong(1, userId);
                    ps.setLong(2, userId);
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
            // One query tells which sockets are behind their user's log (a lost signal); only those
            // read it. Pulling for every socket each sweep cost a burst of one query per socket.
            Map<Long, Long> last = full ? lastCursors() : Map.of();
            for (Map.Entry<Long, Connection[]> e : byUser.entrySet()) {
                long newest = last.getOrDefault(e.getKey(), 0L);
                for (Connection c : e.getValue()) {
                    tick(c, now, full && c.behind(newest));
                }
            }
            for (Connection c : pending) {
                tick(c, now, false);
            }
            if (now - lastPresence >= settings.heartbeatMillis()) {
                lastPresence = now;
                // Once per user, however many sockets it has here.
                for (Long u : byUser.keySet()) {
                    presence.refresh(u);
                }
            }
        }
    }

    private Map<Long, Long> lastCursors() {
        try {
            return log.lastCursors(List.copyOf(byUser.keySet()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not read the users' newest cursors for the sweep: " + e);
            return Map.of();
        }
    }

    private static void tick(Connection c, long now, boolean heal) {
        try {
            c.tick(now, heal);
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
    }
}

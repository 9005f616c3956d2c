package dev.courier.messenger.realtime;

import java.lang.System.Logger.Level;
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

    private final Map<Long, Set<Connection>> byUser = new ConcurrentHashMap<>();
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
        byUser.computeIfAbsent(c.userId(), k -> ConcurrentHashMap.newKeySet()).add(c);
        if (presence.opened(c.userId())) {
            announce(c.userId(), true);
        }
    }

    void remove(Connection c) {
        Set<Connection> set = byUser.get(c.userId());
        if (set != null && set.remove(c)) {
            if (set.isEmpty()) {
                byUser.remove(c.userId(), set);
            }
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
        return byUser.values().stream().mapToInt(Set::size).sum();
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
            for (Appended.Entry e : a.entries()) {
                deliver(e.userId(), e.cursor(), a.json());
            }
        }
    }

    private void deliver(long userId, long cursor, String json) {
        Set<Connection> set = byUser.get(userId);
        if (set != null) {
            String frame = UserEventLog.withCursor(cursor, json);
            set.forEach(c -> c.deliver(cursor, frame));
        }
    }

    private void changed(Signals.Changed s) {
        if (signals.mine(s)) {
            return;
        }
        for (Signals.Carried e : s.carried()) {
            for (Signals.Cursor c : e.cursors()) {
                deliver(c.userId(), c.cursor(), e.json());
            }
        }
        for (Long u : s.toPull()) {
            Set<Connection> set = byUser.get(u);
            if (set != null) {
                set.forEach(Connection::pull);
            }
        }
    }

    private void ephemeral(Signals.Ephemeral e) {
        String json = dev.courier.platform.http.Json.writeString(e.frame());
        for (Long u : e.userIds()) {
            Set<Connection> set = byUser.get(u);
            if (set != null) {
                set.forEach(c -> c.offerEphemeral(json));
            }
        }
    }

    private void revoked(Signals.Revoked r) {
        Set<Connection> set = byUser.get(r.userId());
        if (set != null) {
            set.stream().filter(c -> "*".equals(r.sessionId()) || c.sessionId().equals(r.sessionId()))
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
            for (Map.Entry<Long, Set<Connection>> e : byUser.entrySet()) {
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
        for (Set<Connection> set : byUser.values()) {
            set.forEach(Connection::reconnect);
        }
        long until = System.currentTimeMillis() + 3000;
        while (System.currentTimeMillis() < until && byUser.values().stream().flatMap(Set::stream).anyMatch(c -> !c.idle())) {
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

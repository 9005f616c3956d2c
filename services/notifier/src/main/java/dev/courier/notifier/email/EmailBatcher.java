package dev.courier.notifier.email;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.mail.MessagingException;

import dev.courier.notifier.delivery.DeliveryLog;
import dev.courier.notifier.preferences.PreferenceStore;
import dev.courier.platform.db.Database;

/**
 * Email digests: unread messages wait in {@code email_pending}; a user gets at most one email per
 * chat per window, listing everything that arrived since the last one. The window row is locked
 * while sending, so two replicas never mail the same batch.
 */
public final class EmailBatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmailBatcher.class.getName());

    private static final String INSERT_PENDING = """
            INSERT INTO email_pending (user_id, chat_id, message_id, event_id, address, sender_name, preview)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """;
    private static final String ENSURE_WINDOW = """
            INSERT INTO email_window (user_id, chat_id, last_sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
            """;
    private static final String LOCK_WINDOW = """
            SELECT last_sent_at FROM email_window WHERE user_id = ? AND chat_id = ? FOR UPDATE
            """;
    private static final String SELECT_PENDING = """
            SELECT id, event_id, address, sender_name, preview FROM email_pending
            WHERE user_id = ? AND chat_id = ? AND sent_at IS NULL ORDER BY id
            """;
    private static final String MARK_SENT = """
            UPDATE email_pending SET sent_at = ? WHERE id = ANY (?)
            """;
    private static final String DROP_PENDING = """
            DELETE FROM email_pending WHERE id = ANY (?)
            """;
    private static final String TOUCH_WINDOW = """
            UPDATE email_window SET last_sent_at = ? WHERE user_id = ? AND chat_id = ?
            """;
    private static final String DUE = """
            SELECT DISTINCT p.user_id, p.chat_id FROM email_pending p
            LEFT JOIN email_window w ON w.user_id = p.user_id AND w.chat_id = p.chat_id
            WHERE p.sent_at IS NULL AND (w.last_sent_at IS NULL OR w.last_sent_at <= ?)
            LIMIT 500
            """;

    private final Database db;
    private final Mailer mailer;
    private final UnsubscribeTokens tokens;
    private final PreferenceStore preferences;
    private final DeliveryLog log;
    private final Duration window;
    private final String publicUrl;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("notifier-email").daemon().factory());

    public EmailBatcher(Database db, Mailer mailer, UnsubscribeTokens tokens, PreferenceStore preferences, DeliveryLog log,
                        Duration window, String publicUrl, Clock clock) {
        this.db = db;
        this.mailer = mailer;
        this.tokens = tokens;
        this.preferences = preferences;
        this.log = log;
        this.window = window;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.clock = clock;
    }

    /** Sends digests whose window has passed, every {@code every}. */
    public void start(Duration every) {
        timer.scheduleWithFixedDelay(this::flushDue, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void enqueue(String eventId, long userId, String address, long chatId, long messageId, String senderName, String preview) {
        db.withConnection(c -> {
            try (var ps = c.prepareStatement(INSERT_PENDING)) {
                ps.setLong(1, userId);
                ps.setLong(2, chatId);
                ps.setLong(3, messageId);
                ps.setString(4, eventId);
                ps.setString(5, address);
                ps.setString(6, senderName);
                ps.setString(7, preview);
                return ps.executeUpdate();
            }
        });
        flush(userId, chatId);
    }

    void flushDue() {
        try {
            Instant cutoff = clock.instant().minus(window);
            List<long[]> due = db.withConnection(c -> {
                try (var ps = c.prepareStatement(DUE)) {
                    ps.setTimestamp(1, Timestamp.from(cutoff));
                    try (var rs = ps.executeQuery()) {
                        List<long[]> out = new ArrayList<>();
                        while (rs.next()) {
                            out.add(new long[] {rs.getLong(1), rs.getLong(2)});
                        }
                        return out;
                    }
                }
            });
            for (long[] d : due) {
                flush(d[0], d[1]);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Email digest round failed; retrying on the next one", e);
        }
    }

    private record Pending(long id, String eventId, String address, String senderName, String preview) {
    }

    /** Sends the chat's digest to the user now if the window allows; otherwise the timer will. */
    void flush(long userId, long chatId) {
        try {
            db.inTransaction(c -> {
                Instant now = clock.instant();
                Instant last = lockWindow(c, userId, chatId);
                if (last.isAfter(now.minus(window))) {
                    return null;
                }
                List<Pending> pending = pending(c, userId, chatId);
                if (pending.isEmpty()) {
                    return null;
                }
                Long[] ids = pending.stream().map(Pending::id).toArray(Long[]::new);
                if (!preferences.get(userId).email() || preferences.muted(userId, chatId, now)) {
                    // Turned off or muted since these were queued: they are not wanted any more.
                    update(c, DROP_PENDING, ps -> ps.setArray(1, c.createArrayOf("bigint", ids)));
                    return null;
                }
                long start = System.nanoTime();
                try {
                    send(userId, chatId, pending);
                } catch (MessagingException e) {
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    log.record(pending.getFirst().eventId(), userId, DeliveryLog.EMAIL, null, 1, null, "retry", ms);
                    throw new IllegalStateException("SMTP refused the digest: " + e.getMessage(), e);
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                update(c, MARK_SENT, ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setArray(2, c.createArrayOf("bigint", ids));
                });
                update(c, TOUCH_WINDOW, ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setLong(2, userId);
                    ps.setLong(3, chatId);
                });
                for (Pending p : pending) {
                    log.record(p.eventId(), userId, DeliveryLog.EMAIL, null, 1, null, "delivered", ms);
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Email digest for user " + userId + " chat " + chatId + " not sent; it stays queued", e);
        }
    }

    private void send(long userId, long chatId, List<Pending> pending) throws MessagingException {
        String chatUrl = publicUrl + "/app/chats/" + chatId;
        String unsubscribe = publicUrl + "/api/v1/notifications/unsubscribe?token=" + tokens.issue(userId);
        StringBuilder text = new StringBuilder();
        text.append(pending.size() == 1 ? "You have 1 unread message:" : "You have " + pending.size() + " unread messages:").append("\n\n");
        for (Pending p : pending) {
            text.append("- ").append(p.senderName()).append(": ").append(p.preview() == null ? "(new message)" : p.preview()).append('\n');
        }
        text.append("\nOpen the chat: ").append(chatUrl).append("\n\n")
                .append("You get at most one email per chat every ").append(window.toMinutes() > 0 ? window.toMinutes() + " minutes" : window.toSeconds() + " seconds")
                .append(". Stop these emails: ").append(unsubscribe).append('\n');
        Map<String, String> headers = new LinkedHashMap<>();
        // RFC 8058: mail clients offer one-click unsubscribe by POSTing to this URL.
        headers.put("List-Unsubscribe", "<" + unsubscribe + ">");
        headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        String subject = pending.size() == 1
                ? "New message from " + pending.getFirst().senderName()
                : pending.size() + " new messages in your Courier chat";
        mailer.send(pending.getLast().address(), subject, text.toString(), headers);
    }

    private static Instant lockWindow(Connection c, long userId, long chatId) throws SQLException {
        try (var ps = c.prepareStatement(ENSURE_WINDOW)) {
            ps.setLong(1, userId);
            ps.setLong(2, chatId);
            ps.setTimestamp(3, Timestamp.from(Instant.EPOCH));
            ps.executeUpdate();
        }
        try (var ps = c.prepareStatement(LOCK_WINDOW)) {
            ps.setLong(1, userId);
            ps.setLong(2, chatId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    private static List<Pending> pending(Connection c, long userId, long chatId) throws SQLException {
        try (var ps = c.prepareStatement(SELECT_PENDING)) {
            ps.setLong(1, userId);
            ps.setLong(2, chatId);
            try (var rs = ps.executeQuery()) {
                List<Pending> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                }
                return out;
            }
        }
    }

    private interface Binder {
        void bind(java.sql.PreparedStatement ps) throws SQLException;
    }

    private static void update(Connection c, String sql, Binder binder) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

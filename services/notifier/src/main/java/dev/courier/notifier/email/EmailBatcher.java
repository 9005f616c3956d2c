package dev.courier.notifier.email;

import java.lang.System.Logger.Level;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import jakarta.mail.MessagingException;

import dev.courier.notifier.delivery.DeliveryLog;
import dev.courier.notifier.preferences.PreferenceStore;
import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;

/**
 * Email digests: unread messages wait in {@code email_pending}; a user gets at most one email per
 * chat per window, listing everything that arrived since the last one. The window row is locked
 * while sending, so two replicas never mail the same batch.
 */
public final class EmailBatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmailBatcher.class.getName());

    private final SqlClient db;
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
        this.db = SqlClient.over(db, dev.courier.notifier.NotifierApp.STATEMENTS);
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
        db.execute(exec -> exec.namedInsert("queue-email", userId, chatId, messageId, eventId, address, senderName, preview));
        flush(userId, chatId);
    }

    void flushDue() {
        try {
            Instant cutoff = clock.instant().minus(window);
            List<long[]> due = db.execute(exec -> {
                try (Stream<DbRow> rows = exec.namedQuery("due-email-digests", Timestamp.from(cutoff))) {
                    return rows.map(r -> new long[] {SqlClient.number(r, 1), SqlClient.number(r, 2)}).toList();
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
            db.inTransaction(tx -> {
                Instant now = clock.instant();
                Instant last = lockWindow(tx, userId, chatId);
                if (last.isAfter(now.minus(window))) {
                    return null;
                }
                List<Pending> pending = pending(tx, userId, chatId);
                if (pending.isEmpty()) {
                    return null;
                }
                Long[] ids = pending.stream().map(Pending::id).toArray(Long[]::new);
                if (!preferences.get(userId).email() || preferences.muted(userId, chatId, now)) {
                    // Turned off or muted since these were queued: they are not wanted any more.
                    tx.namedDelete("drop-pending-emails", (Object) ids);
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
                tx.namedUpdate("mark-emails-sent", Timestamp.from(now), ids);
                tx.namedUpdate("touch-email-window", Timestamp.from(now), userId, chatId);
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

    private static Instant lockWindow(DbExecute tx, long userId, long chatId) {
        tx.namedInsert("ensure-email-window", userId, chatId, Timestamp.from(Instant.EPOCH));
        return tx.namedGet("lock-email-window", userId, chatId).orElseThrow().column(1).get(Timestamp.class).toInstant();
    }

    private static List<Pending> pending(DbExecute tx, long userId, long chatId) {
        try (Stream<DbRow> rows = tx.namedQuery("pending-emails", userId, chatId)) {
            return rows.map(r -> new Pending(SqlClient.number(r, 1), r.column(2).get(String.class), r.column(3).get(String.class),
                    r.column(4).get(String.class), r.column(5).get(String.class))).toList();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

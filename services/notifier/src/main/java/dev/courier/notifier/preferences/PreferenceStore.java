package dev.courier.notifier.preferences;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.courier.platform.db.Database;

/** The {@code preference} and {@code mute} tables. */
public final class PreferenceStore {

    private static final String SELECT = """
            SELECT push, email, previews FROM preference WHERE user_id = ?
            """;
    private static final String UPSERT = """
            INSERT INTO preference (user_id, push, email, previews) VALUES (?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET push = excluded.push, email = excluded.email,
                previews = excluded.previews, updated_at = now()
            """;
    private static final String DISABLE_EMAIL = """
            INSERT INTO preference (user_id, push, email, previews) VALUES (?, true, false, true)
            ON CONFLICT (user_id) DO UPDATE SET email = false, updated_at = now()
            """;
    private static final String UPSERT_MUTE = """
            INSERT INTO mute (user_id, chat_id, until) VALUES (?, ?, ?)
            ON CONFLICT (user_id, chat_id) DO UPDATE SET until = excluded.until
            """;
    private static final String DELETE_MUTE = """
            DELETE FROM mute WHERE user_id = ? AND chat_id = ?
            """;
    private static final String SELECT_MUTES = """
            SELECT chat_id, until FROM mute WHERE user_id = ? AND until > ? ORDER BY chat_id
            """;
    private static final String IS_MUTED = """
            SELECT 1 FROM mute WHERE user_id = ? AND chat_id = ? AND until > ?
            """;

    private final Database db;

    public PreferenceStore(Database db) {
        this.db = db;
    }

    public Preferences get(long userId) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement(SELECT)) {
                ps.setLong(1, userId);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? new Preferences(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3)) : Preferences.DEFAULT;
                }
            }
        });
    }

    public void put(long userId, Preferences p) {
        db.withConnection(c -> {
            try (var ps = c.prepareStatement(UPSERT)) {
                ps.setLong(1, userId);
                ps.setBoolean(2, p.push());
                ps.setBoolean(3, p.email());
                ps.setBoolean(4, p.previews());
                return ps.executeUpdate();
            }
        });
    }

    public void disableEmail(long userId) {
        db.withConnection(c -> {
            try (var ps = c.prepareStatement(DISABLE_EMAIL)) {
                ps.setLong(1, userId);
                return ps.executeUpdate();
            }
        });
    }

    public void mute(long userId, long chatId, Instant until) {
        db.withConnection(c -> {
            try (var ps = c.prepareStatement(UPSERT_MUTE)) {
                ps.setLong(1, userId);
                ps.setLong(2, chatId);
                ps.setTimestamp(3, Timestamp.from(until));
                return ps.executeUpdate();
            }
        });
    }

    public void unmute(long userId, long chatId) {
        db.withConnection(c -> {
            try (var ps = c.prepareStatement(DELETE_MUTE)) {
                ps.setLong(1, userId);
                ps.setLong(2, chatId);
                return ps.executeUpdate();
            }
        });
    }

    public List<Mute> activeMutes(long userId, Instant now) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement(SELECT_MUTES)) {
                ps.setLong(1, userId);
                ps.setTimestamp(2, Timestamp.from(now));
                try (var rs = ps.executeQuery()) {
                    List<Mute> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new Mute(rs.getLong(1), rs.getTimestamp(2).toInstant()));
                    }
                    return out;
                }
            }
        });
    }

    public boolean muted(long userId, long chatId, Instant now) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement(IS_MUTED)) {
                ps.setLong(1, userId);
                ps.setLong(2, chatId);
                ps.setTimestamp(3, Timestamp.from(now));
                try (var rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }
}

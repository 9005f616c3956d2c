package dev.courier.notifier.subscriptions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.courier.platform.db.Database;

/** The {@code subscription} table. */
public final class SubscriptionStore {

    // An endpoint belongs to one browser profile: re-subscribing it (even as another user after a
    // log-out and log-in) moves it, so a shared computer never notifies the previous user.
    private static final String UPSERT = """
            INSERT INTO subscription (user_id, endpoint, p256dh, auth) VALUES (?, ?, ?, ?)
            ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,
                auth = excluded.auth, created_at = now()
            RETURNING id, user_id, endpoint, p256dh, auth, created_at
            """;
    private static final String SELECT_BY_USER = """
            SELECT id, user_id, endpoint, p256dh, auth, created_at FROM subscription WHERE user_id = ? ORDER BY id
            """;
    private static final String DELETE_OWN = """
            DELETE FROM subscription WHERE id = ? AND user_id = ?
            """;
    private static final String DELETE = """
            DELETE FROM subscription WHERE id = ?
            """;

    private final Database db;

    public SubscriptionStore(Database db) {
        this.db = db;
    }

    public Subscription save(long userId, String endpoint, String p256dh, String auth) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement(UPSERT)) {
                ps.setLong(1, userId);
                ps.setString(2, endpoint);
                ps.setString(3, p256dh);
                ps.setString(4, auth);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return map(rs);
                }
            }
        });
    }

    public List<Subscription> forUser(long userId) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement(SELECT_BY_USER)) {
                ps.setLong(1, userId);
                try (var rs = ps.executeQuery()) {
                    List<Subscription> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                    return out;
                }
            }
        });
    }

    /** Deletes the caller's own subscription; false when it is not theirs or does not exist. */
    public boolean deleteOwn(long userId, long id) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement(DELETE_OWN)) {
                ps.setLong(1, id);
                ps.setLong(2, userId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public void delete(long id) {
        db.withConnection(c -> {
            try (var ps = c.prepareStatement(DELETE)) {
                ps.setLong(1, id);
                return ps.executeUpdate();
            }
        });
    }

    private static Subscription map(ResultSet rs) throws SQLException {
        return new Subscription(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getTimestamp(6).toInstant());
    }
}

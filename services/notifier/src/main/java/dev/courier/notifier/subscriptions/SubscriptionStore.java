package dev.courier.notifier.subscriptions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.courier.platform.db.Database;

/** The {@code subscription} table. */
public final class SubscriptionStore {

    // An endpoint belongs to one browser profile: its owner may renew its keys, and the same browser
    // re-subscribing as another user (log-out and log-in on a shared computer) presents the same
    // keys and moves it, so the previous user is not notified there any more. Anyone else posting
    // that endpoint changes nothing (no row comes back).
    private static final String UPSERT = """
            INSERT INTO subscription (user_id, endpoint, p256dh, auth) VALUES (?, ?, ?, ?)
            ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,
                auth = excluded.auth, created_at = now()
            WHERE subscription.user_id = excluded.user_id
                OR (subscription.p256dh = excluded.p256dh AND subscription.auth = excluded.auth)
            RETURNING id, user_id, endpoint, p256dh, auth, created_at
            """;
    private static final String COUNT_OTHERS = """
            SELECT count(*) FROM subscription WHERE user_id = ? AND endpoint <> ?
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

    /** Stores or renews a subscription; empty when the endpoint is another user's under other keys (nothing changed). */
    public Optional<Subscription> save(long userId, String endpoint, String p256dh, String auth) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement(UPSERT)) {
                ps.setLong(1, userId);
                ps.setString(2, endpoint);
                ps.setString(3, p256dh);
                ps.setString(4, auth);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    /** How many subscriptions the user has besides {@code endpoint}. */
    public int countOthers(long userId, String endpoint) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement(COUNT_OTHERS)) {
                ps.setLong(1, userId);
                ps.setString(2, endpoint);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
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

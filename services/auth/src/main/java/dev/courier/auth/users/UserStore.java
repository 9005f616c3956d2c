package dev.courier.auth.users;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.postgresql.util.PSQLException;

import dev.courier.platform.db.Database;
import dev.courier.platform.http.ProblemException;

/**
 * The users table. Names and emails are matched case-insensitively, as the unique indexes are. An
 * email is unique only once verified, and only a verified email finds an account (login, recovery).
 */
public final class UserStore {

    private static final String COLUMNS = "id, username, email, display_name, password_hash, roles, created_at, email_verified_at IS NOT NULL";
    private static final String INSERT = """
            INSERT INTO users (username, email, display_name, password_hash)
            SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower(?) AND email_verified_at IS NOT NULL)
            RETURNING %s""".formatted(COLUMNS);
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = ?";
    private static final String BY_IDS = "SELECT " + COLUMNS + " FROM users WHERE id = ANY (?)";
    private static final String BY_LOGIN = """
            SELECT %s FROM users WHERE lower(username) = lower(?) OR (lower(email) = lower(?) AND email_verified_at IS NOT NULL)
            ORDER BY (lower(username) = lower(?)) DESC LIMIT 1""".formatted(COLUMNS);
    private static final String BY_REGISTERED_EMAIL = """
            SELECT %s FROM users u WHERE lower(u.email) = lower(?) AND (u.email_verified_at IS NOT NULL
                OR NOT EXISTS (SELECT 1 FROM users o WHERE lower(o.email) = lower(u.email) AND o.id <> u.id))
            ORDER BY (u.email_verified_at IS NOT NULL) DESC LIMIT 1""".formatted(COLUMNS);
    private static final String BY_EMAIL = "SELECT " + COLUMNS + " FROM users WHERE lower(email) = lower(?) AND email_verified_at IS NOT NULL";
    private static final String SET_HASH = "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?";
    private static final String CHANGE_PASSWORD = "UPDATE users SET password_hash = ?, password_changed_at = now() WHERE id = ?";
    // A reset link mailed before the password changed must not undo the change.
    private static final String SPEND_RESETS = "UPDATE password_resets SET used_at = now() WHERE user_id = ? AND used_at IS NULL";
    private static final String SET_DISPLAY_NAME = "UPDATE users SET display_name = ? WHERE id = ? RETURNING " + COLUMNS;
    private static final String SEARCH = """
            SELECT %s FROM users
            WHERE lower(username) LIKE ? ESCAPE '\\' OR lower(display_name) LIKE ? ESCAPE '\\'
            ORDER BY lower(username) LIMIT ?""".formatted(COLUMNS);

    private final Database db;

    public UserStore(Database db) {
        this.db = db;
    }

    /** Inserts a user; a taken name or email is a 409 naming the field. */
    public User insert(String username, String email, String displayName, String passwordHash) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, username);
                ps.setString(2, email);
                ps.setString(3, displayName);
                ps.setString(4, passwordHash);
                ps.setString(5, email);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ProblemException.conflict("email", "This email is already registered.");
                    }
                    return map(rs);
                }
            } catch (PSQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    String constraint = e.getServerErrorMessage() == null ? "" : String.valueOf(e.getServerErrorMessage().getConstraint());
                    if (constraint.contains("email")) {
                        throw ProblemException.conflict("email", "This email is already registered.");
                    }
                    throw ProblemException.conflict("username", "This username is taken.");
                }
                throw e;
            }
        });
    }

    public Optional<User> byId(long id) {
        return db.withConnection(c -> one(c, BY_ID, ps -> ps.setLong(1, id)));
    }

    public List<User> byIds(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(BY_IDS)) {
                Array array = c.createArrayOf("bigint", ids.toArray());
                ps.setArray(1, array);
                return all(ps);
            }
        });
    }

    /** By username or email: a login name is whichever of the two it matches (username first). */
    public Optional<User> byLogin(String login) {
        return db.withConnection(c -> one(c, BY_LOGIN, ps -> {
            ps.setString(1, login);
            ps.setString(2, login);
            ps.setString(3, login);
        }));
    }

    /** The account of a verified address, or of an unverified one that no other account holds. */
    public Optional<User> byRegisteredEmail(String email) {
        return db.withConnection(c -> one(c, BY_REGISTERED_EMAIL, ps -> ps.setString(1, email)));
    }

    public Optional<User> byEmail(String email) {
        return db.withConnection(c -> one(c, BY_EMAIL, ps -> ps.setString(1, email)));
    }

    /** Replaces an outdated hash of the same password, unless the password changed meanwhile. */
    public void upgradeHash(long id, String oldHash, String newHash) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SET_HASH)) {
                ps.setString(1, newHash);
                ps.setLong(2, id);
                ps.setString(3, oldHash);
                return ps.executeUpdate();
            }
        });
    }

    /** Sets a new password and spends every outstanding reset token of the user. */
    public void changePassword(Connection c, long id, String newHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CHANGE_PASSWORD)) {
            ps.setString(1, newHash);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(SPEND_RESETS)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    public void changePassword(long id, String newHash) {
        db.inTransaction(c -> {
            changePassword(c, id, newHash);
            return null;
        });
    }

    public Optional<User> setDisplayName(long id, String displayName) {
        return db.withConnection(c -> one(c, SET_DISPLAY_NAME, ps -> {
            ps.setString(1, displayName);
            ps.setLong(2, id);
        }));
    }

    /** Users whose username or display name starts with {@code prefix} (case-insensitive). */
    public List<User> search(String prefix, int limit) {
        String pattern = prefix.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SEARCH)) {
                ps.setString(1, pattern);
                ps.setString(2, pattern);
                ps.setInt(3, limit);
                return all(ps);
            }
        });
    }

    private static Optional<User> one(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<User> users = all(ps);
            return users.isEmpty() ? Optional.empty() : Optional.of(users.getFirst());
        }
    }

    private static List<User> all(PreparedStatement ps) throws SQLException {
        List<User> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    private static User map(ResultSet rs) throws SQLException {
        String[] roles = (String[]) rs.getArray(6).getArray();
        return new User(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                List.of(roles), rs.getTimestamp(7).toInstant(), rs.getBoolean(8));
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}

package dev.courier.auth.users;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import org.postgresql.util.PSQLException;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;
import dev.courier.platform.http.Json;
import dev.courier.platform.http.ProblemException;

import static dev.courier.platform.db.SqlClient.number;

/**
 * The users table. Names and emails are matched case-insensitively, as the unique indexes are. An
 * email is unique only once verified, and only a verified email finds an account (login, recovery).
 */
public final class UserStore {

    /** auth's named statements (Helidon DB Client). */
    public static final String STATEMENTS = "dev/courier/auth/statements.yaml";

    private final SqlClient db;

    public UserStore(Database db) {
        this.db = SqlClient.over(db, STATEMENTS);
    }

    /** Inserts a user; a taken name or email is a 409 naming the field. */
    public User insert(String username, String email, String displayName, String passwordHash) {
        try {
            return db.execute(exec -> exec.namedGet("insert-user", username, email, displayName, passwordHash, email))
                    .map(UserStore::map)
                    .orElseThrow(() -> ProblemException.conflict("email", "This email is already registered."));
        } catch (RuntimeException e) {
            if (SqlClient.cause(e).orElse(null) instanceof PSQLException p && "23505".equals(p.getSQLState())) {
                String constraint = p.getServerErrorMessage() == null ? "" : String.valueOf(p.getServerErrorMessage().getConstraint());
                if (constraint.contains("email")) {
                    throw ProblemException.conflict("email", "This email is already registered.");
                }
                throw ProblemException.conflict("username", "This username is taken.");
            }
            throw e;
        }
    }

    public Optional<User> byId(long id) {
        return one("user-by-id", id);
    }

    public List<User> byIds(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return all("users-by-ids", (Object) ids.toArray(new Long[0]));
    }

    /** By username or email: a login name is whichever of the two it matches (username first). */
    public Optional<User> byLogin(String login) {
        return one("user-by-login", login, login, login);
    }

    /** The account of a verified address, or of an unverified one that no other account holds. */
    public Optional<User> byRegisteredEmail(String email) {
        return one("user-by-registered-email", email);
    }

    public Optional<User> byEmail(String email) {
        return one("user-by-email", email);
    }

    /** Replaces an outdated hash of the same password, unless the password changed meanwhile. */
    public void upgradeHash(long id, String oldHash, String newHash) {
        db.execute(exec -> exec.namedUpdate("upgrade-hash", newHash, id, oldHash));
    }

    /** Sets a new password and spends every outstanding reset token of the user. */
    public void changePassword(DbExecute exec, long id, String newHash) {
        exec.namedUpdate("change-password", newHash, id);
        exec.namedUpdate("password_resets-spend-all", id);
    }

    public void changePassword(long id, String newHash) {
        db.inTransaction(tx -> {
            changePassword(tx, id, newHash);
            return null;
        });
    }

    public Optional<User> setDisplayName(long id, String displayName) {
        return one("set-display-name", displayName, id);
    }

    /** Users whose username or display name starts with {@code prefix} (case-insensitive). */
    public List<User> search(String prefix, int limit) {
        String pattern = prefix.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return all("search-users", pattern, pattern, limit);
    }

    private Optional<User> one(String statement, Object... params) {
        return db.execute(exec -> exec.namedGet(statement, params)).map(UserStore::map);
    }

    private List<User> all(String statement, Object... params) {
        return db.execute(exec -> {
            try (Stream<DbRow> rows = exec.namedQuery(statement, params)) {
                return rows.map(UserStore::map).toList();
            }
        });
    }

    private static User map(DbRow r) {
        String[] roles = Json.read((r.column(6).get(String.class)).getBytes(java.nio.charset.StandardCharsets.UTF_8), String[].class);
        return new User(number(r, 1), r.column(2).get(String.class), r.column(3).get(String.class), r.column(4).get(String.class),
                r.column(5).get(String.class), List.of(roles), r.column(7).get(Timestamp.class).toInstant(), r.column(8).get(Boolean.class));
    }
}

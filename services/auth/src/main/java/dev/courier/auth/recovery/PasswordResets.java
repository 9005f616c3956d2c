package dev.courier.auth.recovery;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.courier.auth.passwords.PasswordHasher;
import dev.courier.auth.passwords.PasswordPolicy;
import dev.courier.auth.profiles.Profiles;
import dev.courier.auth.sessions.SessionStore;
import dev.courier.auth.sessions.Tokens;
import dev.courier.auth.users.User;
import dev.courier.auth.users.UserStore;
import dev.courier.auth.users.Validation;
import dev.courier.platform.db.Database;
import dev.courier.platform.http.ProblemException;

/**
 * Password recovery by email. A request is answered at once and the same way whether or not the
 * address belongs to an account; the lookup, the token and the mail happen in the background so
 * not even timing tells. A token has 256 random bits, is stored only as its SHA-256, works once
 * and expires; using it sets the password and revokes every session.
 */
public final class PasswordResets implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PasswordResets.class.getName());

    private static final String INSERT = "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?)";
    private static final String CONSUME = """
            UPDATE password_resets SET used_at = now()
            WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
            RETURNING user_id""";
    private static final String CONSUME_OTHERS = "UPDATE password_resets SET used_at = now() WHERE user_id = ? AND used_at IS NULL";

    private final Database db;
    private final UserStore users;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final SessionStore sessions;
    private final Profiles profiles;
    private final Mailer mailer;
    private final Clock clock;
    private final Duration ttl;
    private final String linkBase;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    public PasswordResets(Database db, UserStore users, PasswordHasher hasher, PasswordPolicy policy, SessionStore sessions,
                          Profiles profiles, Mailer mailer, Clock clock, Duration ttl, String linkBase) {
        this.db = db;
        this.users = users;
        this.hasher = hasher;
        this.policy = policy;
        this.sessions = sessions;
        this.profiles = profiles;
        this.mailer = mailer;
        this.clock = clock;
        this.ttl = ttl;
        this.linkBase = linkBase;
    }

    /** Starts a reset for {@code email} if it has an account; returns before knowing. */
    public void request(String email) {
        background.submit(() -> {
            try {
                users.byEmail(email).ifPresent(this::issueAndMail);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Password reset mail failed: " + e);
            }
        });
    }

    private void issueAndMail(User user) {
        String token = Tokens.random(32);
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setBytes(1, Tokens.sha256(token));
                ps.setLong(2, user.id());
                ps.setTimestamp(3, Timestamp.from(clock.instant().plus(ttl)));
                return ps.executeUpdate();
            }
        });
        String text = """
                Hello %s,

                someone asked to reset the password of your Courier account. If it was you, open
                %s%s
                within %d minutes, or use this code in the app:

                %s

                If it was not you, ignore this mail: your password stays as it is.
                """.formatted(user.displayName(), linkBase, token, ttl.toMinutes(), token);
        try {
            mailer.send(user.email(), "Reset your Courier password", text);
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException("SMTP: " + e.getMessage(), e);
        }
    }

    /** Sets a new password with a reset token; the token and its siblings are spent, every session revoked. */
    public void reset(String token, String newPassword) {
        Validation.bounded("token", token, 128);
        policy.check("newPassword", newPassword);
        String hash = hasher.hash(newPassword);
        Optional<Long> userId = db.inTransaction(c -> {
            Long uid = null;
            try (PreparedStatement ps = c.prepareStatement(CONSUME)) {
                ps.setBytes(1, Tokens.sha256(token));
                ps.setTimestamp(2, Timestamp.from(clock.instant()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        uid = rs.getLong(1);
                    }
                }
            }
            if (uid != null) {
                try (PreparedStatement ps = c.prepareStatement(CONSUME_OTHERS)) {
                    ps.setLong(1, uid);
                    ps.executeUpdate();
                }
                users.changePassword(c, uid, hash);
            }
            return Optional.ofNullable(uid);
        });
        long uid = userId.orElseThrow(() -> ProblemException.badField("token", "The reset token is invalid, used or expired."));
        sessions.revokeAll(uid, null);
        profiles.invalidate(uid);
    }

    @Override
    public void close() {
        background.shutdown();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.courier.auth.recovery;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.courier.auth.mail.MailedTokens;
import dev.courier.auth.passwords.PasswordHasher;
import dev.courier.auth.passwords.PasswordPolicy;
import dev.courier.auth.profiles.Profiles;
import dev.courier.auth.sessions.SessionStore;
import dev.courier.auth.users.User;
import dev.courier.auth.users.UserStore;
import dev.courier.auth.users.Validation;
import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;
import dev.courier.platform.http.ProblemException;

/**
 * Password recovery by email. A request is answered at once and the same way whether or not the
 * address belongs to an account; the lookup, the token and the mail happen in the background so
 * not even timing tells. A token has 256 random bits, is stored only as its SHA-256, works once
 * and expires; using it sets the password and revokes every session.
 */
public final class PasswordResets implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PasswordResets.class.getName());

    private final SqlClient db;
    private final MailedTokens tokens;
    private final UserStore users;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final SessionStore sessions;
    private final Profiles profiles;
    private final Mailer mailer;
    private final Duration ttl;
    private final String linkBase;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    public PasswordResets(Database db, UserStore users, PasswordHasher hasher, PasswordPolicy policy, SessionStore sessions,
                          Profiles profiles, Mailer mailer, Clock clock, Duration ttl, String linkBase) {
        this.db = SqlClient.over(db, UserStore.STATEMENTS);
        this.tokens = new MailedTokens("password_resets", false, clock, ttl);
        this.users = users;
        this.hasher = hasher;
        this.policy = policy;
        this.sessions = sessions;
        this.profiles = profiles;
        this.mailer = mailer;
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
        String token = db.execute(exec -> tokens.issue(exec, user.id(), user.email()));
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
        // Spending one token spends its siblings too (changePassword), so an older link cannot undo this reset.
        Optional<Long> userId = db.inTransaction(tx -> tokens.spend(tx, token).map(spent -> {
            users.changePassword(tx, spent.userId(), hash);
            return spent.userId();
        }));
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

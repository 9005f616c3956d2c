package dev.courier.auth.verification;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.courier.auth.mail.MailedTokens;
import dev.courier.auth.profiles.Profiles;
import dev.courier.auth.recovery.Mailer;
import dev.courier.auth.users.User;
import dev.courier.auth.users.UserStore;
import dev.courier.auth.users.Validation;
import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;
import dev.courier.platform.http.ProblemException;

/**
 * Proves that an account's owner reads its email address: a link with 256 random bits (stored only
 * as its SHA-256, usable once, until it expires) is the one mail Courier sends to an address not yet
 * verified. Opening it verifies that address for that account, unless another account verified it
 * first (409): a verified address belongs to one account, and a stranger who registered it without
 * reading its mail can never take it from its owner.
 */
public final class EmailVerifications implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmailVerifications.class.getName());

    private final SqlClient db;
    private final MailedTokens tokens;
    private final UserStore users;
    private final Profiles profiles;
    private final Mailer mailer;
    private final Duration ttl;
    private final String linkBase;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    public EmailVerifications(Database db, UserStore users, Profiles profiles, Mailer mailer, Clock clock, Duration ttl, String linkBase) {
        this.db = SqlClient.over(db, UserStore.STATEMENTS);
        this.tokens = new MailedTokens("email_verifications", true, clock, ttl);
        this.users = users;
        this.profiles = profiles;
        this.mailer = mailer;
        this.ttl = ttl;
        this.linkBase = linkBase;
    }

    /** Mails a verification link to the user's address, in the background; nothing when it is verified already. */
    public void send(User user) {
        if (user.emailVerified()) {
            return;
        }
        background.submit(() -> {
            try {
                issueAndMail(user);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Verification mail failed: " + e);
            }
        });
    }

    /** Sends the link again to the account's current address; 409 when it is verified already. */
    public void resend(long userId) {
        User user = users.byId(userId).orElseThrow(() -> ProblemException.notFound("No such user."));
        if (user.emailVerified()) {
            throw ProblemException.conflict("email", "This address is verified already.");
        }
        send(user);
    }

    private void issueAndMail(User user) {
        String token = db.execute(exec -> tokens.issue(exec, user.id(), user.email()));
        String text = """
                Hello %s,

                please confirm that this is the address of your Courier account "%s" by opening
                %s%s
                within %d hours. Until then Courier sends this address nothing else.

                If you did not register, ignore this mail: the address stays unconfirmed.
                """.formatted(user.displayName(), user.username(), linkBase, token, ttl.toHours());
        try {
            mailer.send(user.email(), "Confirm your Courier email address", text);
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException("SMTP: " + e.getMessage(), e);
        }
    }

    /** Verifies the address a token was mailed to, for the account it was mailed for. */
    public void verify(String token) {
        Validation.bounded("token", token, 128);
        Long verified = db.inTransaction(tx -> tokens.spend(tx, token).map(spent -> {
            try {
                tx.namedUpdate("verify-email", spent.userId(), spent.email());
            } catch (RuntimeException e) {
                if (SqlClient.cause(e).filter(sql -> "23505".equals(sql.getSQLState())).isPresent()) {
                    throw ProblemException.conflict("token", "Another account has verified this address.");
                }
                throw e;
            }
            return spent.userId();
        }).orElse(null));
        if (verified == null) {
            throw ProblemException.badField("token", "The verification token is invalid, used or expired.");
        }
        profiles.invalidate(verified);
    }

    @Override
    public void close() {
        background.shutdown();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.courier.auth.mail;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import io.helidon.dbclient.DbExecute;

import dev.courier.auth.sessions.Tokens;

import static dev.courier.platform.db.SqlClient.number;

/**
 * One-time tokens that prove someone reads a mailbox (email verification, password reset): 256
 * random bits, stored only as their SHA-256 with the account (and the address) they were mailed
 * for, spent at most once and only before they expire. One table per purpose; the statements are
 * {@code <table>-issue} and {@code <table>-spend} in auth's {@code statements.yaml}.
 */
public final class MailedTokens {

    /** What a spent token was issued for; {@code email} is null where the table keeps none. */
    public record Spent(long userId, String email) {
    }

    private final String table;
    private final boolean withEmail;
    private final Clock clock;
    private final Duration ttl;

    public MailedTokens(String table, boolean withEmail, Clock clock, Duration ttl) {
        this.table = table;
        this.withEmail = withEmail;
        this.clock = clock;
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Stores a new token for the user (and the address it is mailed to) and returns it, to be mailed. */
    public String issue(DbExecute exec, long userId, String email) {
        String token = Tokens.random(32);
        String expires = clock.instant().plus(ttl).toString();
        if (withEmail) {
            exec.namedInsert(table + "-issue", Tokens.sha256(token), userId, email, expires);
        } else {
            exec.namedInsert(table + "-issue", Tokens.sha256(token), userId, expires);
        }
        return token;
    }

    /** Spends a token: what it was issued for, or empty when it is unknown, spent or expired. */
    public Optional<Spent> spend(DbExecute exec, String token) {
        return exec.namedGet(table + "-spend", Tokens.sha256(token), clock.instant().toString())
                .map(r -> new Spent(number(r, 1), r.column(2).get(String.class)));
    }
}

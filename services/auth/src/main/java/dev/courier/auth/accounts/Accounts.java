package dev.courier.auth.accounts;

import java.util.Map;
import java.util.Optional;

import dev.courier.auth.passwords.PasswordHasher;
import dev.courier.auth.passwords.PasswordPolicy;
import dev.courier.auth.profiles.Profiles;
import dev.courier.auth.sessions.AccessTokens;
import dev.courier.auth.sessions.SessionStore;
import dev.courier.auth.users.User;
import dev.courier.auth.users.UserStore;
import dev.courier.auth.users.Validation;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.TokenDialect;

/** The rules of accounts: registration, login, refresh, password change. */
public final class Accounts {

    private static final String BAD_LOGIN = "Invalid login or password.";

    private final UserStore users;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final SessionStore sessions;
    private final AccessTokens tokens;
    private final Profiles profiles;
    private final LoginBackoff backoff;

    public Accounts(UserStore users, PasswordHasher hasher, PasswordPolicy policy, SessionStore sessions,
                    AccessTokens tokens, Profiles profiles, LoginBackoff backoff) {
        this.backoff = backoff;
        this.users = users;
        this.hasher = hasher;
        this.policy = policy;
        this.sessions = sessions;
        this.tokens = tokens;
        this.profiles = profiles;
    }

    /** Validates everything first, so a refused request changes nothing. */
    public User register(String username, String email, String password, String displayName) {
        Validation.username("username", username);
        String address = Validation.email("email", email);
        policy.check("password", password);
        String display = displayName == null ? username : Validation.displayName("displayName", displayName);
        return users.insert(username, address, display, hasher.hash(password));
    }

    /**
     * Checks the password and opens a session. An unknown login costs a decoy verification and
     * fails with the same message as a wrong password, so neither timing nor text tells them apart.
     */
    public Tokens login(String login, String password, String userAgent, String address) {
        return login(login, users.byLogin(login), password, userAgent, address, Map.of());
    }

    /**
     * Seed 003's login by email, which its clients do right after registering: an address that is
     * not verified yet still names its account when that account is the only one holding it (a
     * verified holder always wins). Only a verified address logs in through Courier's own API. The
     * access token says it is a chat-server client's ({@link TokenDialect}), so a socket opened with
     * it speaks seed 003's protocol.
     */
    public Tokens loginByRegisteredEmail(String email, String password, String userAgent, String address) {
        return login(email, users.byRegisteredEmail(email), password, userAgent, address,
                Map.of(TokenDialect.CLAIM, TokenDialect.CHAT_SERVER));
    }

    /**
     * Wrong passwords slow down the (account, address) pair that sends them ({@link LoginBackoff});
     * an unknown login is slowed down the same way, so the answers do not tell it apart either.
     */
    private Tokens login(String login, Optional<User> found, String password, String userAgent, String address,
                         Map<String, Object> claims) {
        String account = found.map(u -> "id:" + u.id()).orElse("login:" + login);
        backoff.check(account, address);
        if (found.isEmpty()) {
            hasher.verifyDecoy(password);
            throw wrongPassword(account, address);
        }
        User user = found.get();
        if (!hasher.verify(password, user.passwordHash())) {
            throw wrongPassword(account, address);
        }
        backoff.succeeded(account, address);
        if (hasher.needsRehash(user.passwordHash())) {
            users.upgradeHash(user.id(), user.passwordHash(), hasher.hash(password));
        }
        SessionStore.Issued issued = sessions.create(user.id(), userAgent, address);
        return new Tokens(user.id(), issued.sessionId(), tokens.issue(user.id(), issued.sessionId(), user.roles(), claims), issued.refreshToken());
    }

    private ProblemException wrongPassword(String account, String address) {
        java.time.Duration wait = backoff.failed(account, address);
        if (wait.isZero()) {
            return ProblemException.unauthorized(BAD_LOGIN);
        }
        // Still the same 401 text, with the time this client must wait before its next try.
        return new ProblemException(dev.courier.platform.http.Problem.of(401, "Unauthorized", BAD_LOGIN), wait);
    }

    /**
     * Rotates a refresh token; reuse of a rotated one revokes the session (theft detection). The
     * user is read from PostgreSQL before the token is rotated in Redis, so a database failure
     * leaves the token unspent and the client's retry with the same token succeeds.
     */
    public Tokens refresh(String refreshToken) {
        Optional<Long> owner = sessions.currentOwner(refreshToken);
        Optional<User> user = owner.isPresent() ? users.byId(owner.get()) : Optional.empty();
        SessionStore.Rotation rotation = sessions.rotate(refreshToken);
        if (rotation.outcome() != SessionStore.Rotation.Outcome.ROTATED) {
            throw ProblemException.unauthorized("The refresh token is invalid, expired or already used.");
        }
        SessionStore.Issued issued = rotation.issued();
        if (user.isEmpty() || user.get().id() != issued.userId()) {
            sessions.revoke(issued.userId(), issued.sessionId());
            throw ProblemException.unauthorized("The account no longer exists.");
        }
        User u = user.get();
        return new Tokens(u.id(), issued.sessionId(), tokens.issue(u.id(), issued.sessionId(), u.roles()), issued.refreshToken());
    }

    /** Needs the current password; every other session is revoked, the caller's stays. */
    public void changePassword(long userId, String currentSession, String current, String next) {
        Validation.bounded("currentPassword", current, PasswordPolicy.MAX);
        policy.check("newPassword", next);
        User user = users.byId(userId).orElseThrow(() -> ProblemException.unauthorized("The account no longer exists."));
        if (!hasher.verify(current, user.passwordHash())) {
            throw ProblemException.forbidden("The current password is wrong.");
        }
        users.changePassword(userId, hasher.hash(next));
        sessions.revokeAll(userId, currentSession);
        profiles.invalidate(userId);
    }

    /** What a successful login or refresh hands out. */
    public record Tokens(long userId, String sessionId, String accessToken, String refreshToken) {
    }
}

package dev.courier.auth.accounts;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.ratelimit.RateLimiter;
import dev.courier.auth.sessions.Session;
import dev.courier.auth.sessions.SessionStore;
import dev.courier.auth.users.User;
import dev.courier.auth.verification.EmailVerifications;
import dev.courier.auth.users.Validation;
import dev.courier.auth.web.Authn;
import dev.courier.platform.http.ClientInfo;
import dev.courier.auth.web.Cookies;
import dev.courier.auth.web.RouteTable;
import dev.courier.auth.web.StrictString;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;

/** {@code /api/v1/auth/**}: registration, login, refresh, logout, sessions, password change. */
public final class AccountEndpoints {

    /** Longest login name worth looking up (an email address at most). */
    static final int MAX_LOGIN = 254;

    private final Accounts accounts;
    private final SessionStore sessions;
    private final Authn authn;
    private final ClientInfo client;
    private final RateLimiter loginLimit;
    private final RateLimiter registerLimit;
    private final Duration accessTtl;
    private final Duration refreshTtl;
    private final EmailVerifications verifications;

    public AccountEndpoints(Accounts accounts, SessionStore sessions, Authn authn, ClientInfo client,
                            RateLimiter loginLimit, RateLimiter registerLimit, Duration accessTtl, Duration refreshTtl,
                            EmailVerifications verifications) {
        this.verifications = verifications;
        this.accounts = accounts;
        this.sessions = sessions;
        this.authn = authn;
        this.client = client;
        this.loginLimit = loginLimit;
        this.registerLimit = registerLimit;
        this.accessTtl = accessTtl;
        this.refreshTtl = refreshTtl;
    }

    public void routing(HttpRouting.Builder r, RouteTable t) {
        t.add(r, Method.POST, "/api/v1/auth/register", this::register)
                .add(r, Method.POST, "/api/v1/auth/login", this::login)
                .add(r, Method.POST, "/api/v1/auth/refresh", this::refresh)
                .add(r, Method.POST, "/api/v1/auth/logout", this::logout)
                .add(r, Method.POST, "/api/v1/auth/logout-all", this::logoutAll)
                .add(r, Method.GET, "/api/v1/auth/sessions", this::listSessions)
                .add(r, Method.DELETE, "/api/v1/auth/sessions/{id}", this::revokeSession)
                .add(r, Method.POST, "/api/v1/auth/password/change", this::changePassword);
    }

    private void register(ServerRequest req, ServerResponse res) {
        RegisterRequest body = Bodies.read(req, RegisterRequest.class);
        Validation.email("email", body.email());
        registerLimit.hit(body.email(), client.limitAddress(req));
        User user = accounts.register(body.username(), body.email(), body.password(), body.displayName());
        // The only mail an unverified address gets.
        verifications.send(user);
        res.headers().location(URI.create("/api/v1/users/" + user.id()));
        Bodies.json(res, Status.CREATED_201, new Registered(user.id(), user.username(), user.email(), user.displayName()));
    }

    private void login(ServerRequest req, ServerResponse res) {
        LoginRequest body = Bodies.read(req, LoginRequest.class);
        Validation.bounded("login", body.login(), MAX_LOGIN);
        Validation.bounded("password", body.password(), dev.courier.auth.passwords.PasswordPolicy.MAX * 4);
        loginLimit.hit(body.login(), client.limitAddress(req));
        Accounts.Tokens tokens = accounts.login(body.login(), body.password(), ClientInfo.userAgent(req), client.address(req));
        sendTokens(req, res, tokens);
    }

    private void refresh(ServerRequest req, ServerResponse res) {
        String token;
        if (req.content().hasEntity()) {
            RefreshRequest body = Bodies.read(req, RefreshRequest.class);
            token = Validation.bounded("refreshToken", body.refreshToken(), 128);
        } else {
            token = req.headers().cookies().first(Cookies.REFRESH).asOptional()
                    .filter(v -> !v.isEmpty() && v.length() <= 128)
                    .orElseThrow(() -> ProblemException.badField("refreshToken", "A refresh token is required (body or cookie)."));
            if (!dev.courier.platform.http.CrossSite.allowed(req.prologue().method(), req.headers())) {
                throw ProblemException.forbidden("A cookie-authenticated write must come from this site (Origin / Sec-Fetch-Site).");
            }
        }
        sendTokens(req, res, accounts.refresh(token));
    }

    private void logout(ServerRequest req, ServerResponse res) {
        // Logging out of a session Redis has lost still succeeds and is announced: the client's
        // goal is reached, and the other services learn that the session's tokens are dead.
        Caller caller = authn.requireToken(req);
        sessions.end(caller.userId(), caller.sessionId());
        Cookies.clear(res, client.secure(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void logoutAll(ServerRequest req, ServerResponse res) {
        Caller caller = authn.require(req);
        sessions.revokeAll(caller.userId(), null);
        Cookies.clear(res, client.secure(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void listSessions(ServerRequest req, ServerResponse res) {
        Caller caller = authn.require(req);
        List<SessionView> views = sessions.list(caller.userId()).stream()
                .map(s -> SessionView.of(s, s.id().equals(caller.sessionId()))).toList();
        Bodies.json(res, views);
    }

    private void revokeSession(ServerRequest req, ServerResponse res) {
        Caller caller = authn.require(req);
        String id = req.path().pathParameters().get("id");
        // Another user's session answers exactly like a missing one: nothing to learn by probing.
        if (id.length() > 64 || !sessions.revoke(caller.userId(), id)) {
            throw ProblemException.notFound("No such session.");
        }
        if (id.equals(caller.sessionId())) {
            Cookies.clear(res, client.secure(req));
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private void changePassword(ServerRequest req, ServerResponse res) {
        Caller caller = authn.require(req);
        ChangePasswordRequest body = Bodies.read(req, ChangePasswordRequest.class);
        accounts.changePassword(caller.userId(), caller.sessionId(), body.currentPassword(), body.newPassword());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void sendTokens(ServerRequest req, ServerResponse res, Accounts.Tokens tokens) {
        Cookies.set(res, client.secure(req), tokens.accessToken(), accessTtl, tokens.refreshToken(), refreshTtl);
        res.header(io.helidon.http.HeaderNames.CACHE_CONTROL, "no-store");
        Bodies.json(res, new TokenResponse(tokens.accessToken(), tokens.refreshToken(), accessTtl.toSeconds(), "Bearer",
                tokens.userId(), tokens.sessionId()));
    }

    record RegisterRequest(@JsonDeserialize(using = StrictString.class) String username,
                           @JsonDeserialize(using = StrictString.class) String email,
                           @JsonDeserialize(using = StrictString.class) String password,
                           @JsonDeserialize(using = StrictString.class) String displayName) {
    }

    record LoginRequest(@JsonDeserialize(using = StrictString.class) String login,
                        @JsonDeserialize(using = StrictString.class) String password) {
    }

    record RefreshRequest(@JsonDeserialize(using = StrictString.class) String refreshToken) {
    }

    record ChangePasswordRequest(@JsonDeserialize(using = StrictString.class) String currentPassword,
                                 @JsonDeserialize(using = StrictString.class) String newPassword) {
    }

    record Registered(long id, String username, String email, String displayName) {
    }

    record TokenResponse(String accessToken, String refreshToken, long expiresIn, String tokenType, long userId, String sessionId) {
    }

    record SessionView(String id, String userAgent, String address, java.time.Instant createdAt,
                       java.time.Instant lastUsedAt, boolean current) {
        static SessionView of(Session s, boolean current) {
            return new SessionView(s.id(), s.userAgent(), s.address(), s.createdAt(), s.lastUsedAt(), current);
        }
    }
}

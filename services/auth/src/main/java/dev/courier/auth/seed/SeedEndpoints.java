package dev.courier.auth.seed;

import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.auth.accounts.Accounts;
import dev.courier.platform.ratelimit.RateLimiter;
import dev.courier.auth.users.User;
import dev.courier.auth.users.Validation;
import dev.courier.platform.http.ClientInfo;
import dev.courier.auth.web.Cookies;
import dev.courier.auth.web.RouteTable;
import dev.courier.auth.web.StrictString;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Json;
import dev.courier.platform.http.ProblemException;

/**
 * Seed 000's SSO API, served as written: {@code POST /register {"user","pass"}} and
 * {@code POST /auth {"user","pass"}} with the JWT in a cookie. The seed has no email, so such an
 * account gets the placeholder {@code <user>@seed.invalid} (RFC 2606: never deliverable) until the
 * user sets a real one; it cannot use password recovery before that.
 */
public final class SeedEndpoints {

    private final Accounts accounts;
    private final ClientInfo client;
    private final RateLimiter loginLimit;
    private final RateLimiter registerLimit;
    private final Duration accessTtl;
    private final Duration refreshTtl;
    private final ChatServerEndpoints chatServer;

    public SeedEndpoints(Accounts accounts, ClientInfo client, RateLimiter loginLimit, RateLimiter registerLimit,
                         Duration accessTtl, Duration refreshTtl, ChatServerEndpoints chatServer) {
        this.accounts = accounts;
        this.client = client;
        this.loginLimit = loginLimit;
        this.registerLimit = registerLimit;
        this.accessTtl = accessTtl;
        this.refreshTtl = refreshTtl;
        this.chatServer = chatServer;
    }

    public void routing(HttpRouting.Builder r, RouteTable t) {
        t.add(r, Method.POST, "/register", this::register).add(r, Method.POST, "/auth", this::auth);
        chatServer.routing(r, t);
    }

    /** Seed 003 registers on the same path; its body is told apart by its field names ({@link ChatServerEndpoints#claims}). */
    private void register(ServerRequest req, ServerResponse res) {
        JsonNode node = Bodies.read(req, JsonNode.class);
        if (ChatServerEndpoints.claims(node)) {
            chatServer.register(node, req, res);
            return;
        }
        Credentials body = Bodies.parse(Json.write(node), Credentials.class);
        Validation.username("user", body.user());
        registerLimit.hit(body.user(), client.limitAddress(req));
        User user;
        try {
            user = accounts.register(body.user(), body.user() + "@seed.invalid", body.pass(), null);
        } catch (ProblemException e) {
            throw renamed(e);
        }
        Bodies.json(res, Status.CREATED_201, new Registered(user.id(), user.username()));
    }

    private void auth(ServerRequest req, ServerResponse res) {
        Credentials body = Bodies.read(req, Credentials.class);
        Validation.bounded("user", body.user(), 254);
        Validation.bounded("pass", body.pass(), 512);
        loginLimit.hit(body.user(), client.limitAddress(req));
        Accounts.Tokens tokens = accounts.login(body.user(), body.pass(), ClientInfo.userAgent(req), client.address(req));
        Cookies.set(res, client.secure(req), tokens.accessToken(), accessTtl, tokens.refreshToken(), refreshTtl);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Bodies.json(res, new Authenticated(tokens.userId(), accessTtl.toSeconds()));
    }

    /** The seed's field names in errors: "user" for the username, "pass" for the password. */
    private static ProblemException renamed(ProblemException e) {
        String field = e.problem().field();
        if (field == null) {
            return e;
        }
        String seedField = switch (field) {
            case "username", "email" -> "user";
            case "password" -> "pass";
            default -> field;
        };
        var p = e.problem();
        return new ProblemException(new dev.courier.platform.http.Problem(p.type(), p.title(), p.status(), p.detail(), seedField, p.errors()));
    }

    record Credentials(@JsonDeserialize(using = StrictString.class) String user,
                       @JsonDeserialize(using = StrictString.class) String pass) {
    }

    record Registered(long id, String user) {
    }

    /** The JWT itself travels only in the HttpOnly cookie, as the seed says. */
    record Authenticated(@JsonProperty("user_id") long userId, @JsonProperty("expires_in") long expiresIn) {
    }
}

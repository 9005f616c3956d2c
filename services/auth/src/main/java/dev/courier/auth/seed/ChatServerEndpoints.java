package dev.courier.auth.seed;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import dev.courier.auth.profiles.Profile;
import dev.courier.auth.profiles.Profiles;
import dev.courier.platform.ratelimit.RateLimiter;
import dev.courier.auth.users.User;
import dev.courier.auth.users.Validation;
import dev.courier.auth.web.Authn;
import dev.courier.platform.http.ClientInfo;
import dev.courier.auth.web.RouteTable;
import dev.courier.auth.web.StrictString;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.Json;
import dev.courier.platform.http.Params;
import dev.courier.platform.http.Problem;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/**
 * Seed 003's (chat-server) accounts, as its README writes them: {@code POST /register
 * {"Username","Email","Password"}}, {@code PUT /login {"Email","Password"}} answering the access
 * token, {@code GET /profile}, {@code GET /profile/{UID}}, {@code PUT /change-name {"NewName"}}, with
 * the token in a bare {@code Authorization: <token>} header. Everything goes through the same
 * {@link Accounts} and {@link Profiles} as {@code /api/v1}; errors are problem+json naming the seed's
 * field. The seed's "name" is Courier's display name: the username stays the unique login handle.
 *
 * <p>{@code POST /register} is seed 000's path too; {@link SeedEndpoints} hands a body to this class
 * when {@link #claims} says it is a chat-server body.
 */
public final class ChatServerEndpoints {

    private static final Map<String, String> FIELDS = Map.of("username", "Username", "email", "Email",
            "password", "Password", "displayName", "NewName", "login", "Email");

    private final Accounts accounts;
    private final Profiles profiles;
    private final Authn authn;
    private final ClientInfo client;
    private final RateLimiter loginLimit;
    private final RateLimiter registerLimit;

    public ChatServerEndpoints(Accounts accounts, Profiles profiles, Authn authn, ClientInfo client,
                               RateLimiter loginLimit, RateLimiter registerLimit) {
        this.accounts = accounts;
        this.profiles = profiles;
        this.authn = authn;
        this.client = client;
        this.loginLimit = loginLimit;
        this.registerLimit = registerLimit;
    }

    /** {@code POST /register} is routed by {@link SeedEndpoints}; the other paths are the seed's alone. */
    public void routing(HttpRouting.Builder r, RouteTable t) {
        t.add(r, Method.PUT, "/login", this::login)
                .add(r, Method.GET, "/profile", this::me)
                .add(r, Method.GET, "/profile/{UID}", this::profile)
                .add(r, Method.PUT, "/change-name", this::changeName);
    }

    /**
     * Whether a {@code POST /register} body is seed 003's: a JSON object with any of its capitalised
     * fields {@code Username}, {@code Email}, {@code Password}. Seed 000's are {@code user} and
     * {@code pass}; a body with neither stays seed 000's, so its errors are unchanged.
     */
    static boolean claims(JsonNode body) {
        return body.isObject() && (body.has("Username") || body.has("Email") || body.has("Password"));
    }

    void register(JsonNode node, ServerRequest req, ServerResponse res) {
        Register body = Bodies.parse(Json.write(node), Register.class);
        User user = seedFields(() -> {
            Validation.username("username", body.username());
            registerLimit.hit(body.username(), client.limitAddress(req));
            return accounts.register(body.username(), body.email(), body.password(), null);
        });
        Bodies.json(res, Status.CREATED_201, new Registered(user.id()));
    }

    private void login(ServerRequest req, ServerResponse res) {
        Login body = Bodies.read(req, Login.class);
        Validation.bounded("Email", body.email(), 254);
        Validation.bounded("Password", body.password(), 512);
        loginLimit.hit(body.email(), client.limitAddress(req));
        Accounts.Tokens tokens = accounts.loginByRegisteredEmail(body.email(), body.password(), ClientInfo.userAgent(req), client.address(req));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Bodies.json(res, new Token(tokens.accessToken()));
    }

    private void me(ServerRequest req, ServerResponse res) {
        Caller caller = authn.require(TokenVerifier.bareOrBearerToken(req));
        Profile p = profiles.get(caller.userId()).orElseThrow(() -> ProblemException.notFound("No such user."));
        Bodies.json(res, SeedProfile.of(p, true));
    }

    /** Anyone's profile, without the email: as {@code GET /api/v1/users/{id}}, Courier shows addresses only to their owner. */
    private void profile(ServerRequest req, ServerResponse res) {
        long id = Params.positiveId("UID", req.path().pathParameters().get("UID"));
        Profile p = profiles.get(id).orElseThrow(() -> ProblemException.notFound("No such user."));
        Bodies.json(res, SeedProfile.of(p, false));
    }

    private void changeName(ServerRequest req, ServerResponse res) {
        Caller caller = authn.require(TokenVerifier.bareOrBearerToken(req));
        ChangeName body = Bodies.read(req, ChangeName.class);
        Validation.required("NewName", body.newName());
        seedFields(() -> profiles.changeDisplayName(caller.userId(), body.newName()))
                .orElseThrow(() -> ProblemException.notFound("No such user."));
        Bodies.json(res, Map.of("status", "name changed"));
    }

    /** Runs Courier's rules with the seed's field names in their errors. */
    private static <T> T seedFields(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ProblemException e) {
            Problem p = e.problem();
            if (p.field() == null || !FIELDS.containsKey(p.field())) {
                throw e;
            }
            String field = FIELDS.get(p.field());
            String detail = p.detail() == null ? null : p.detail().replace("'" + p.field() + "'", "'" + field + "'");
            throw new ProblemException(new Problem(p.type(), p.title(), p.status(), detail, field, p.errors()));
        }
    }

    record Register(@JsonProperty("Username") @JsonDeserialize(using = StrictString.class) String username,
                    @JsonProperty("Email") @JsonDeserialize(using = StrictString.class) String email,
                    @JsonProperty("Password") @JsonDeserialize(using = StrictString.class) String password) {
    }

    record Login(@JsonProperty("Email") @JsonDeserialize(using = StrictString.class) String email,
                 @JsonProperty("Password") @JsonDeserialize(using = StrictString.class) String password) {
    }

    record ChangeName(@JsonProperty("NewName") @JsonDeserialize(using = StrictString.class) String newName) {
    }

    record Registered(@JsonProperty("UID") long uid) {
    }

    record Token(@JsonProperty("Token") String token) {
    }

    /** The seed's profile: {@code UID}, {@code username} (the display name), {@code email} (own profile only), {@code created_at}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SeedProfile(@JsonProperty("UID") long uid, String username, String email,
                       @JsonProperty("created_at") Instant createdAt) {

        static SeedProfile of(Profile p, boolean own) {
            return new SeedProfile(p.id(), p.displayName(), own ? p.email() : null, p.createdAt());
        }
    }
}

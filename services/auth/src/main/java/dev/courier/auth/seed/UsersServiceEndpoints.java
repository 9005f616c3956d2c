package dev.courier.auth.seed;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.annotation.JsonProperty;
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
import dev.courier.auth.web.RouteTable;
import dev.courier.auth.web.StrictString;
import dev.courier.platform.http.Bodies;

/**
 * Seed 002's (users / messages) {@code POST /users/register {"username"}}, answering its {@code User}
 * ({@code id}, {@code username}, {@code created_at}; ids are Courier's numeric ids as strings).
 *
 * <p>The seed has no passwords and lets any caller send as any user. Courier does not: the account
 * gets a random password nobody knows and an opened session, and the answer carries the session's
 * {@code access_token} and {@code refresh_token} as extra fields (unknown fields are ignored by the
 * seed's client). Sending and reading history need that token as a bearer; the email is the
 * placeholder {@code <username>@seed.invalid}, as for seed 000.
 */
public final class UsersServiceEndpoints {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Accounts accounts;
    private final ClientInfo client;
    private final RateLimiter registerLimit;

    public UsersServiceEndpoints(Accounts accounts, ClientInfo client, RateLimiter registerLimit) {
        this.accounts = accounts;
        this.client = client;
        this.registerLimit = registerLimit;
    }

    public void routing(HttpRouting.Builder r, RouteTable t) {
        t.add(r, Method.POST, "/users/register", this::register);
    }

    private void register(ServerRequest req, ServerResponse res) {
        Registration body = Bodies.read(req, Registration.class);
        Registered registered = register(body.username(), ClientInfo.userAgent(req), client.address(req), client.limitAddress(req));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Bodies.json(res, Status.CREATED_201, registered);
    }

    /** Creates the account and opens its session; shared with the seed's gRPC {@code UserService}. */
    public Registered register(String username, String userAgent, String address, String limitAddress) {
        Validation.username("username", username);
        registerLimit.hit(username, limitAddress);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        User user = accounts.register(username, username + "@seed.invalid", password, null);
        Accounts.Tokens tokens = accounts.login(username, password, userAgent, address);
        return new Registered(Long.toString(user.id()), user.username(), user.createdAt(), tokens.accessToken(), tokens.refreshToken());
    }

    record Registration(@JsonDeserialize(using = StrictString.class) String username) {
    }

    /** The seed's {@code User} plus the session's tokens. */
    public record Registered(String id, String username, @JsonProperty("created_at") Instant createdAt,
                             @JsonProperty("access_token") String accessToken,
                             @JsonProperty("refresh_token") String refreshToken) {
    }
}

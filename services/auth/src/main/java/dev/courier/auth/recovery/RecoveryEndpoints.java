package dev.courier.auth.recovery;

import java.util.Map;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.ratelimit.RateLimiter;
import dev.courier.auth.users.Validation;
import dev.courier.platform.http.ClientInfo;
import dev.courier.auth.web.RouteTable;
import dev.courier.auth.web.StrictString;
import dev.courier.platform.http.Bodies;

/** {@code /api/v1/auth/password/forgot} and {@code /api/v1/auth/password/reset}. */
public final class RecoveryEndpoints {

    private final PasswordResets resets;
    private final RateLimiter limit;
    private final ClientInfo client;

    public RecoveryEndpoints(PasswordResets resets, RateLimiter limit, ClientInfo client) {
        this.resets = resets;
        this.limit = limit;
        this.client = client;
    }

    public void routing(HttpRouting.Builder r, RouteTable t) {
        t.add(r, Method.POST, "/api/v1/auth/password/forgot", this::forgot)
                .add(r, Method.POST, "/api/v1/auth/password/reset", this::reset);
    }

    private void forgot(ServerRequest req, ServerResponse res) {
        ForgotRequest body = Bodies.read(req, ForgotRequest.class);
        Validation.email("email", body.email());
        limit.hit(body.email(), client.limitAddress(req));
        resets.request(body.email());
        Bodies.json(res, Status.ACCEPTED_202, Map.of("status", "If this address belongs to an account, a reset link is on its way."));
    }

    private void reset(ServerRequest req, ServerResponse res) {
        ResetRequest body = Bodies.read(req, ResetRequest.class);
        limit.hit(null, client.limitAddress(req));
        resets.reset(body.token(), body.newPassword());
        res.status(Status.NO_CONTENT_204).send();
    }

    record ForgotRequest(@JsonDeserialize(using = StrictString.class) String email) {
    }

    record ResetRequest(@JsonDeserialize(using = StrictString.class) String token,
                        @JsonDeserialize(using = StrictString.class) String newPassword) {
    }
}

package dev.courier.auth.verification;

import java.util.Map;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.ratelimit.RateLimiter;
import dev.courier.auth.web.Authn;
import dev.courier.platform.http.ClientInfo;
import dev.courier.auth.web.RouteTable;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.security.Caller;

/** {@code /api/v1/auth/email/verify} (the mailed link's token) and {@code /api/v1/auth/email/verification} (mail it again). */
public final class VerificationEndpoints {

    private final EmailVerifications verifications;
    private final Authn authn;
    private final RateLimiter limit;
    private final ClientInfo client;

    public VerificationEndpoints(EmailVerifications verifications, Authn authn, RateLimiter limit, ClientInfo client) {
        this.verifications = verifications;
        this.authn = authn;
        this.limit = limit;
        this.client = client;
    }

    public void routing(HttpRouting.Builder r, RouteTable t) {
        t.add(r, Method.POST, "/api/v1/auth/email/verify", this::verify)
                .add(r, Method.POST, "/api/v1/auth/email/verification", this::resend);
    }

    private void verify(ServerRequest req, ServerResponse res) {
        VerifyRequest body = Bodies.read(req, VerifyRequest.class);
        limit.hit(null, client.limitAddress(req));
        verifications.verify(body.token());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void resend(ServerRequest req, ServerResponse res) {
        Caller caller = authn.require(req);
        limit.hit(Long.toString(caller.userId()), client.limitAddress(req));
        verifications.resend(caller.userId());
        Bodies.json(res, Status.ACCEPTED_202, Map.of("status", "A verification link is on its way."));
    }

    record VerifyRequest(String token) {
    }
}

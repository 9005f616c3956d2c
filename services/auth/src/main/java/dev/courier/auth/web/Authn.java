package dev.courier.auth.web;

import io.helidon.webserver.http.ServerRequest;

import dev.courier.auth.sessions.SessionStore;
import dev.courier.platform.http.ProblemException;
import dev.courier.platform.security.Caller;
import dev.courier.platform.security.TokenVerifier;

/**
 * Auth's own check of a caller: the token as every service checks it, plus the session must still
 * be live, so within auth a revoked session is refused at once rather than at token expiry.
 */
public final class Authn {

    private final TokenVerifier verifier;
    private final SessionStore sessions;

    public Authn(TokenVerifier verifier, SessionStore sessions) {
        this.verifier = verifier;
        this.sessions = sessions;
    }

    public Caller require(ServerRequest req) {
        return live(verifier.require(req));
    }

    /** The same check for a token found elsewhere than the bearer header (a seed's bare header). */
    public Caller require(java.util.Optional<String> token) {
        return live(token.flatMap(verifier::verify)
                .orElseThrow(() -> ProblemException.unauthorized("A valid access token is required.")));
    }

    private Caller live(Caller caller) {
        if (!sessions.isActive(caller.userId(), caller.sessionId())) {
            throw ProblemException.unauthorized("The session has been revoked or has expired.");
        }
        return caller;
    }

    /**
     * A caller with a valid token whose session may already be gone (Redis restarted empty, session
     * expired): enough to end that same session, never to act on the account.
     */
    public Caller requireToken(ServerRequest req) {
        return verifier.require(req);
    }
}

package dev.courier.auth.sessions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.courier.auth.keys.Keyring;
import dev.courier.platform.security.TokenVerifier;

/** Signs short-lived access JWTs with the keyring's current key. */
public final class AccessTokens {

    private final Keyring keyring;
    private final Clock clock;
    private final Duration ttl;

    public AccessTokens(Keyring keyring, Clock clock, Duration ttl) {
        this.keyring = keyring;
        this.clock = clock;
        this.ttl = ttl;
    }

    public String issue(long userId, String sessionId, List<String> roles) {
        return issue(userId, sessionId, roles, Map.of());
    }

    /** A token that also carries {@code extraClaims} (they cannot replace Courier's own claims). */
    public String issue(long userId, String sessionId, List<String> roles, Map<String, ?> extraClaims) {
        Instant now = clock.instant();
        return keyring.signingKey().sign(TokenVerifier.claims(userId, sessionId, roles, now, now.plus(ttl), Tokens.random(12), extraClaims));
    }

    public Duration ttl() {
        return ttl;
    }
}

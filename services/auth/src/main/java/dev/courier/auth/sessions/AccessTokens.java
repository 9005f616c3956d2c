package dev.courier.auth.sessions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.courier.auth.keys.Keyring;
import dev.courier.platform.security.Jwt;
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

    /** With claims of its own beside Courier's (a seed login marks its client's protocol, see {@link dev.courier.platform.security.TokenDialect}). */
    public String issue(long userId, String sessionId, List<String> roles, Map<String, Object> extra) {
        Instant now = clock.instant();
        Map<String, Object> claims = new HashMap<>(extra);
        claims.putAll(TokenVerifier.claims(userId, sessionId, roles, now, now.plus(ttl), Tokens.random(12)));
        return Jwt.sign(keyring.signingKey(), claims);
    }

    public Duration ttl() {
        return ttl;
    }
}

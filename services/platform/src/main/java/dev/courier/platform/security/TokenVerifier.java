package dev.courier.platform.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.json.JsonArray;
import jakarta.json.JsonString;

import io.helidon.http.HeaderNames;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.JwtValidator;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.webserver.http.ServerRequest;

import dev.courier.platform.http.CrossSite;
import dev.courier.platform.http.ProblemException;

/**
 * Verifies Courier access tokens offline with Helidon's {@code helidon-security-jwt}: ES256 signature
 * by a key from the JWKS, issuer, audience, expiry (with a small leeway for clock skew), and a
 * positive numeric subject. The facade every service uses, so none of them touches Helidon's types.
 */
public final class TokenVerifier {

    public static final String ISSUER = "courier-auth";
    public static final String AUDIENCE = "courier";
    /** The cookie that carries the access token for browsers. */
    public static final String ACCESS_COOKIE = "courier_access";

    private static final long LEEWAY_SECONDS = 30;
    private static final Duration LEEWAY = Duration.ofSeconds(LEEWAY_SECONDS);
    /** Ours are about 400 characters; a longer one is refused before any parsing. */
    private static final int MAX_TOKEN_LENGTH = 8192;
    /** Verified tokens kept; past this the cache starts over (cheap, and bounded under any load). */
    private static final int CACHE_LIMIT = 20_000;

    private final KeySource keys;
    private final Clock clock;
    // An ES256 verification costs far more than the rest of a typical request (the load tests found
    // it the top consumer of server CPU), and a client presents the same token for its whole life.
    private final java.util.concurrent.ConcurrentHashMap<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();

    private final RevokedSessions revoked;

    private record Verified(Caller caller, long expiresAt) {
    }

    /** A verifier that trusts a token until it expires (auth checks its sessions itself). */
    public TokenVerifier(KeySource keys, Clock clock) {
        this(keys, clock, null);
    }

    /** A verifier that also refuses the tokens of sessions auth has revoked. */
    public TokenVerifier(KeySource keys, Clock clock, RevokedSessions revoked) {
        this.keys = keys;
        this.clock = clock;
        this.revoked = revoked;
    }

    /**
     * The caller of a valid token whose session is not revoked. Every service's requests, socket
     * upgrades and renewals come through here, so this is the one place revocation is consulted.
     */
    public Optional<Caller> verify(String token) {
        return signed(token).filter(c -> revoked == null || !revoked.isRevoked(c.sessionId()));
    }

    private Optional<Caller> signed(String token) {
        long now = clock.instant().getEpochSecond();
        Verified hit = token == null ? null : verified.get(token);
        if (hit != null) {
            if (hit.expiresAt() + LEEWAY_SECONDS >= now) {
                return Optional.of(hit.caller());
            }
            verified.remove(token);
            return Optional.empty();
        }
        Optional<Verified> fresh = verifyFully(token, now);
        fresh.ifPresent(v -> {
            if (verified.size() >= CACHE_LIMIT) {
                verified.clear();
            }
            verified.put(token, v);
        });
        return fresh.map(Verified::caller);
    }

    /**
     * When a token that {@link #verify} accepted expires (its {@code exp}, without the leeway), so a
     * long-lived connection can end when its token does.
     */
    public static Instant expiresAt(String token) {
        return Instant.ofEpochSecond(expiry(token));
    }

    private static long expiry(String token) {
        // Only called on a token that passed verification, so it parses and has an exp.
        try {
            return SignedJwt.parseToken(token).getJwt().expirationTime().map(Instant::getEpochSecond).orElse(0L);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Helidon does the work: {@link SignedJwt} parses, looks the {@code kid} up in the key set and
     * checks the signature with the algorithm of that key (so a token claiming {@code none} or
     * {@code HS256} under our kid is refused, see the README), and {@link JwtValidator} checks the
     * claims. What remains here is Courier's own claims: a positive numeric subject and a session.
     */
    private Optional<Verified> verifyFully(String token, long now) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        Jwt jwt;
        try {
            SignedJwt signed = SignedJwt.parseToken(token);
            jwt = signed.getJwt();
            Optional<String> kid = jwt.keyId();
            if (kid.isEmpty() || !signed.verifySignature(keys.keys(kid.get())).isValid()
                    || !validator(Instant.ofEpochSecond(now)).validate(jwt).isValid()) {
                return Optional.empty();
            }
        } catch (RuntimeException e) {
            // Malformed base64 or JSON, or a claim of the wrong JSON type: not a token of ours.
            return Optional.empty();
        }
        if (!(jwt.subject().orElse(null) instanceof String sub) || !(jwt.payloadClaim("sid").orElse(null) instanceof JsonString sid)) {
            return Optional.empty();
        }
        long userId;
        try {
            userId = Long.parseLong(sub);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (userId <= 0) {
            return Optional.empty();
        }
        Set<String> roles = new HashSet<>();
        if (jwt.payloadClaim("roles").orElse(null) instanceof JsonArray rs) {
            rs.forEach(r -> roles.add(r instanceof JsonString s ? s.getString() : r.toString()));
        }
        return Optional.of(new Verified(new Caller(userId, sid.getString(), Set.copyOf(roles)), jwt.expirationTime().orElseThrow().getEpochSecond()));
    }

    /** The claim checks at {@code now}: issuer, audience and expiry required; nbf and iat within the leeway. */
    private static JwtValidator validator(Instant now) {
        return JwtValidator.builder()
                .addIssuerValidator(ISSUER)
                .addAudienceValidator(AUDIENCE)
                .addExpirationValidator(v -> v.now(now).allowedTimeSkew(LEEWAY).mandatory(true))
                .addNotBeforeValidator(v -> v.now(now).allowedTimeSkew(LEEWAY))
                .addIssueTimeValidator(v -> v.now(now).allowedTimeSkew(LEEWAY))
                .addCriticalValidator()
                .build();
    }

    /**
     * The caller of a request (bearer token, else the access cookie), or 401. A write authenticated
     * by the cookie must come from this site ({@link CrossSite}), else 403.
     */
    public Caller require(ServerRequest req) {
        Caller caller = token(req).flatMap(this::verify)
                .orElseThrow(() -> ProblemException.unauthorized("A valid access token is required."));
        if (req.headers().first(HeaderNames.AUTHORIZATION).isEmpty() && !CrossSite.allowed(req.prologue().method(), req.headers())) {
            throw ProblemException.forbidden("A cookie-authenticated write must come from this site (Origin / Sec-Fetch-Site).");
        }
        return caller;
    }

    public static Optional<String> token(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isPresent()) {
            String h = header.get();
            return h.regionMatches(true, 0, "Bearer ", 0, 7) ? Optional.of(h.substring(7).trim()) : Optional.empty();
        }
        return req.headers().cookies().first(ACCESS_COOKIE).asOptional();
    }

    /**
     * The token of a seed client that sends {@code Authorization: <token>} without the "Bearer "
     * scheme (seed 003); a bearer header or the access cookie works as everywhere else.
     */
    public static Optional<String> bareOrBearerToken(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION).map(String::trim).filter(h -> !h.isEmpty());
        if (header.isPresent() && !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header;
        }
        return token(req);
    }

    /** Claims for a new access token; auth signs them. */
    public static Map<String, Object> claims(long userId, String sessionId, Collection<String> roles, Instant issuedAt, Instant expiresAt, String jti) {
        return claims(userId, sessionId, roles, issuedAt, expiresAt, jti, Map.of());
    }

    /**
     * Claims for a new access token with {@code extra} ones beside Courier's (a client dialect's,
     * say); an extra claim cannot replace one of Courier's.
     */
    public static Map<String, Object> claims(long userId, String sessionId, Collection<String> roles, Instant issuedAt, Instant expiresAt, String jti,
                                             Map<String, ?> extra) {
        Map<String, Object> claims = new java.util.LinkedHashMap<>(extra);
        claims.putAll(Map.of("iss", ISSUER, "aud", AUDIENCE, "sub", Long.toString(userId), "sid", sessionId,
                "roles", roles, "iat", issuedAt.getEpochSecond(), "nbf", issuedAt.getEpochSecond(),
                "exp", expiresAt.getEpochSecond(), "jti", jti));
        return Map.copyOf(claims);
    }
}

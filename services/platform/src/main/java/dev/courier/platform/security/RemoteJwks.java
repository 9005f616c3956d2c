package dev.courier.platform.security;

import java.io.ByteArrayInputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.json.Json;
import jakarta.json.JsonReader;

import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkEC;
import io.helidon.security.jwt.jwk.JwkKeys;

import dev.courier.platform.tls.InternalTls;

/**
 * The auth service's JWKS, fetched over HTTP, read by Helidon's {@link JwkKeys} and cached. An unknown
 * {@code kid} (a rotated key) triggers a refetch, at most once per {@code minRefresh}, so forged kids
 * cannot hammer auth. Helidon has no fetching or refresh policy of its own (its JWT provider reads a
 * JWKS once from a resource), hence this class.
 * An {@code https} URL is fetched trusting {@code courier.tls.ca} when it is set (the internal CA),
 * else the JDK's trust store; host names are always verified.
 */
public final class RemoteJwks implements KeySource {

    private static final System.Logger LOG = System.getLogger(RemoteJwks.class.getName());

    private final URI uri;
    private final HttpClient http;
    private final Duration minRefresh;
    private final Clock clock;
    private volatile JwkKeys keys = JwkKeys.builder().build();
    private volatile Instant lastFetch = Instant.EPOCH;

    public RemoteJwks(URI uri, HttpClient http, Duration minRefresh, Clock clock) {
        this.uri = uri;
        this.http = http;
        this.minRefresh = minRefresh;
        this.clock = clock;
    }

    /** TLS settings ({@code courier.tls.ca}) from the environment: what the chart sets. */
    public static RemoteJwks of(String url) {
        return of(url, InternalTls.fromEnvironment());
    }

    /** The JWKS at {@code url}; an https URL trusts {@code tls}'s CA when it has one. */
    public static RemoteJwks of(String url, InternalTls tls) {
        URI uri = URI.create(url);
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            http.sslContext(tls.clientSslContext());
            LOG.log(Level.INFO, "JWKS from {0} over TLS, trusting {1}", uri,
                    tls.ca().map(p -> InternalTls.CA + "=" + p).orElse("the JDK's default trust store (" + InternalTls.CA + " is not set)"));
        } else {
            LOG.log(Level.INFO, "JWKS from {0} over plain HTTP (no TLS)", uri);
        }
        return new RemoteJwks(uri, http.build(), Duration.ofSeconds(10), Clock.systemUTC());
    }

    /** From a service's configuration: {@code courier.auth.jwks} and {@code courier.tls.*}. */
    public static RemoteJwks fromConfig(io.helidon.common.config.Config config) {
        return of(config.get("courier.auth.jwks").asString()
                .orElseThrow(() -> new IllegalStateException("courier.auth.jwks is not set")), InternalTls.fromConfig(config));
    }

    @Override
    public JwkKeys keys(String kid) {
        JwkKeys current = keys;
        if (current.forKeyId(kid).isPresent()) {
            return current;
        }
        refreshIfAllowed();
        return keys;
    }

    /** The key named {@code kid}, fetching the set again first (within the rate limit) when it is new. */
    public Optional<Jwk> key(String kid) {
        return keys(kid).forKeyId(kid);
    }

    private synchronized void refreshIfAllowed() {
        Instant now = clock.instant();
        if (now.isBefore(lastFetch.plus(minRefresh))) {
            return;
        }
        lastFetch = now;
        try {
            refresh();
        } catch (JwksUnavailableException e) {
            LOG.log(Level.WARNING, e.getMessage());
        } catch (RuntimeException e) {
            // A verifier asking for a key gets none, never an exception from the transport.
            LOG.log(Level.WARNING, "JWKS fetch from " + uri + " failed: " + e);
        }
    }

    /**
     * Fetches the JWKS now, whatever {@code minRefresh} says, and returns the key ids it holds.
     * Throws {@link JwksUnavailableException} saying why when auth cannot be reached, refuses the
     * TLS handshake (an untrusted certificate, a host name it does not cover) or answers badly.
     */
    public synchronized java.util.Set<String> refresh() {
        HttpResponse<byte[]> res;
        try {
            res = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JwksUnavailableException("JWKS fetch from " + uri + " was interrupted", e);
        } catch (javax.net.ssl.SSLException e) {
            throw new JwksUnavailableException("JWKS fetch from " + uri + " failed the TLS handshake (is its certificate signed by the CA in "
                    + InternalTls.CA + " and issued for this host name?): " + e, e);
        } catch (java.io.IOException e) {
            throw new JwksUnavailableException("JWKS fetch from " + uri + " failed: " + e, e);
        }
        if (res.statusCode() != 200) {
            throw new JwksUnavailableException("JWKS fetch from " + uri + " answered " + res.statusCode(), null);
        }
        JwkKeys fresh;
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(res.body()))) {
            fresh = signatureKeys(JwkKeys.create(reader.readObject()));
        } catch (RuntimeException e) {
            throw new JwksUnavailableException("JWKS from " + uri + " is not a valid key set: " + e, e);
        }
        keys = fresh;
        return fresh.keys().stream().map(Jwk::keyId).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Only what auth publishes is kept: P-256 keys for ES256 with a kid, their point on the curve.
     * A token is checked with the algorithm of the key its kid names, so a set holding nothing else
     * cannot be made to check an HMAC or a "none" token.
     */
    static JwkKeys signatureKeys(JwkKeys parsed) {
        JwkKeys.Builder kept = JwkKeys.builder();
        for (Jwk jwk : parsed.keys()) {
            if (jwk instanceof JwkEC ec && jwk.keyId() != null && JwkEC.ALG_ES256.equals(jwk.algorithm())
                    && ec.publicKey() instanceof ECPublicKey pub && Es256.onP256(pub)) {
                kept.addKey(jwk);
            }
        }
        return kept.build();
    }

    /** The JWKS could not be fetched; the message says why. */
    public static final class JwksUnavailableException extends RuntimeException {
        public JwksUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

package dev.courier.platform.security;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.courier.platform.http.Json;

/**
 * The auth service's JWKS, fetched over HTTP and cached. An unknown {@code kid} (a rotated key)
 * triggers a refetch, at most once per {@code minRefresh}, so forged kids cannot hammer auth.
 */
public final class RemoteJwks implements KeySource {

    private static final System.Logger LOG = System.getLogger(RemoteJwks.class.getName());

    private final URI uri;
    private final HttpClient http;
    private final Duration minRefresh;
    private final Clock clock;
    private volatile Map<String, ECPublicKey> keys = Map.of();
    private volatile Instant lastFetch = Instant.EPOCH;

    public RemoteJwks(URI uri, HttpClient http, Duration minRefresh, Clock clock) {
        this.uri = uri;
        this.http = http;
        this.minRefresh = minRefresh;
        this.clock = clock;
    }

    public static RemoteJwks of(String url) {
        return new RemoteJwks(URI.create(url), HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build(),
                Duration.ofSeconds(10), Clock.systemUTC());
    }

    @Override
    public Optional<ECPublicKey> key(String kid) {
        ECPublicKey k = keys.get(kid);
        if (k != null) {
            return Optional.of(k);
        }
        refreshIfAllowed();
        return Optional.ofNullable(keys.get(kid));
    }

    private synchronized void refreshIfAllowed() {
        Instant now = clock.instant();
        if (now.isBefore(lastFetch.plus(minRefresh))) {
            return;
        }
        lastFetch = now;
        try {
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                LOG.log(Level.WARNING, "JWKS fetch from {0} answered {1}", uri, res.statusCode());
                return;
            }
            Map<String, ECPublicKey> fresh = new HashMap<>();
            for (JwkJson jwk : Json.read(res.body(), JwksJson.class).keys()) {
                if ("EC".equals(jwk.kty()) && "P-256".equals(jwk.crv()) && jwk.kid() != null) {
                    fresh.put(jwk.kid(), Es256.publicKey(jwk.x(), jwk.y()));
                }
            }
            keys = Map.copyOf(fresh);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.WARNING, "JWKS fetch from " + uri + " failed: " + e);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record JwksJson(List<JwkJson> keys) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record JwkJson(String kty, String crv, String kid, String x, String y, String alg, String use) {
    }
}

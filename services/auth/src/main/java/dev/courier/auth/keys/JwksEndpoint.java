package dev.courier.auth.keys;

import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;

import dev.courier.auth.web.RouteTable;

/** {@code /.well-known/jwks.json}: the public keys that verify access tokens. */
public final class JwksEndpoint {

    private final Keyring keyring;

    public JwksEndpoint(Keyring keyring) {
        this.keyring = keyring;
    }

    public void routing(HttpRouting.Builder r, RouteTable t) {
        t.add(r, Method.GET, "/.well-known/jwks.json", (req, res) -> {
            // Short caching: verifiers refetch on an unknown kid anyway, so rotation is seen quickly.
            res.header(HeaderNames.CACHE_CONTROL, "public, max-age=60");
            res.header(HeaderNames.CONTENT_TYPE, "application/jwk-set+json");
            res.send(dev.courier.platform.http.Json.write(Map.of("keys", keyring.publicJwks())));
        });
    }

}

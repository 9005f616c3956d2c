package dev.courier.auth.keys;

import java.util.Map;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;

import dev.courier.auth.web.Authn;
import dev.courier.auth.web.RouteTable;
import dev.courier.platform.http.Bodies;
import dev.courier.platform.http.ProblemException;

/** {@code POST /internal/keys/rotate}: an admin rotates the signing key (auth's own port only). */
public final class KeyAdminEndpoint {

    private final Keyring keyring;
    private final Authn authn;

    public KeyAdminEndpoint(Keyring keyring, Authn authn) {
        this.keyring = keyring;
        this.authn = authn;
    }

    public void routing(HttpRouting.Builder r, RouteTable t) {
        t.add(r, Method.POST, "/internal/keys/rotate", (req, res) -> {
            if (!authn.require(req).isAdmin()) {
                throw ProblemException.forbidden("Only an admin may rotate the signing key.");
            }
            Bodies.json(res, Map.of("kid", keyring.rotate().kid()));
        });
    }
}

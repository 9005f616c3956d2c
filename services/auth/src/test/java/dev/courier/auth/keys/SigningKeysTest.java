package dev.courier.auth.keys;

import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.courier.auth.AuthServer;
import dev.courier.platform.security.Es256;
import dev.courier.platform.security.RemoteJwks;
import dev.courier.platform.security.TokenVerifier;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class SigningKeysTest {

    @Test
    void everyReplicaSharesTheKeysSoATokenFromOneVerifiesAtAnotherAfterARestart() {
        AuthServer a = AuthServer.shared();
        AuthServer.TestUser u = a.register();
        String token = a.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText();
        try (AuthServer b = AuthServer.with(Map.of())) {
            assertThat(kids(b), hasItem(a.app.keyring().signingKey().kid()));
            TokenVerifier verifier = new TokenVerifier(RemoteJwks.of("http://127.0.0.1:" + b.port() + "/.well-known/jwks.json"), Clock.systemUTC());
            assertThat(verifier.verify(token).isPresent(), is(true));
            Http.Response me = b.http.get("/api/v1/users/me", AuthServer.bearer(token));
            assertThat(me.body(), me.status(), is(200));
        }
    }

    @Test
    void rotationSignsWithTheNewKeyAndKeepsPublishingTheOldOne() {
        try (AuthServer auth = AuthServer.with(Map.of())) {
            AuthServer.TestUser u = auth.register();
            String before = auth.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText();
            String oldKid = auth.app.keyring().signingKey().kid();
            String newKid = auth.app.keyring().rotate().kid();
            assertThat(newKid, not(oldKid));
            String after = auth.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText();
            assertThat(kidOf(after), is(newKid));
            assertThat(kids(auth), hasItems(oldKid, newKid));
            TokenVerifier verifier = new TokenVerifier(RemoteJwks.of("http://127.0.0.1:" + auth.port() + "/.well-known/jwks.json"), Clock.systemUTC());
            assertThat(verifier.verify(before).isPresent(), is(true));
            assertThat(verifier.verify(after).isPresent(), is(true));
            // The shared replica sees the rotation too once it rereads the keyring.
            assertThat(AuthServer.shared().app.keyring().publicKey(newKid).isPresent(), is(true));
        }
    }

    @Test
    void aKeyFromASecretIsImportedAndSignsWithItsThumbprintAsKid() {
        KeyPair pair = Es256.generate();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----";
        try (AuthServer auth = AuthServer.with(Map.of("courier.auth.signingkey", pem))) {
            var key = auth.app.keyring().signingKey();
            assertThat(key.publicKey().getW(), is(((java.security.interfaces.ECPublicKey) pair.getPublic()).getW()));
            AuthServer.TestUser u = auth.register();
            assertThat(kidOf(auth.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText()), is(key.kid()));
        }
    }

    @Test
    void anAdminGrantedByTheOperatorSqlRotatesTheKeyOverHttp() throws Exception {
        try (AuthServer auth = AuthServer.with(Map.of())) {
            AuthServer.TestUser u = auth.register();
            var e = dev.courier.infra.LocalStack.shared();
            try (var c = java.sql.DriverManager.getConnection(e.dbUrl(), e.dbUser(), e.dbPassword());
                 var ps = c.prepareStatement("UPDATE auth.users SET roles = array_append(roles, 'admin') WHERE username = ? AND NOT 'admin' = ANY (roles)")) {
                ps.setString(1, u.username());
                assertThat(ps.executeUpdate(), is(1));
            }
            String token = auth.login(u.username(), AuthServer.PASSWORD).get("accessToken").asText();
            Http.Response r = auth.http.post("/internal/keys/rotate", "", AuthServer.bearer(token));
            assertThat(r.body(), r.status(), is(200));
            assertThat(kids(auth), hasItem(r.json().get("kid").asText()));
            assertThat(auth.app.keyring().signingKey().kid(), is(r.json().get("kid").asText()));
        }
    }

    private static List<String> kids(AuthServer s) {
        JsonNode jwks = s.http.get("/.well-known/jwks.json").json();
        List<String> kids = new ArrayList<>();
        jwks.get("keys").forEach(k -> kids.add(k.get("kid").asText()));
        return kids;
    }

    private static String kidOf(String jwt) {
        return dev.courier.platform.http.Json.read(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), JsonNode.class).get("kid").asText();
    }
}

package dev.courier.platform.security;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;

import org.junit.jupiter.api.Test;

import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkKeys;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;

class RemoteJwksTest {

    @Test
    void keepsOnlyEs256KeysOnTheCurveWithAKid() {
        SigningKey good = SigningKey.of("good", Es256.generate());
        Map<String, String> offCurve = new HashMap<>(SigningKey.of("off-curve", Es256.generate()).publicJwk());
        byte[] y = Base64.getUrlDecoder().decode(offCurve.get("y"));
        offCurve.put("y", Es256.coordinate(new BigInteger(1, y).add(BigInteger.ONE)));
        Map<String, String> hmac = Map.of("kty", "oct", "kid", "hmac", "alg", "HS256",
                "k", Base64.getUrlEncoder().withoutPadding().encodeToString(good.publicKey().getEncoded()));
        Map<String, String> otherAlg = new HashMap<>(SigningKey.of("es384", Es256.generate()).publicJwk());
        otherAlg.put("alg", "ES384");
        byte[] jwks = dev.courier.platform.http.Json.write(Map.of("keys", List.of(good.publicJwk(), offCurve, hmac, otherAlg)));

        JwkKeys kept = RemoteJwks.signatureKeys(JwkKeys.create(Json.createReader(new ByteArrayInputStream(jwks)).readObject()));

        assertThat(kept.keys().stream().map(Jwk::keyId).toList(), containsInAnyOrder("good"));
    }
}

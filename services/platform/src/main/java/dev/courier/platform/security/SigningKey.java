package dev.courier.platform.security;

import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkEC;

/** An ES256 key with its JWK key id. The private half never leaves auth. */
public record SigningKey(String kid, ECPublicKey publicKey, ECPrivateKey privateKey) {

    public static SigningKey of(String kid, KeyPair pair) {
        return new SigningKey(kid, (ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
    }

    /**
     * A compact JWS of {@code claims} (header {@code alg} ES256, {@code typ} JWT, this key's
     * {@code kid}), signed by Helidon's {@link SignedJwt}. Values are strings, numbers, booleans or
     * collections of them.
     */
    public String sign(Map<String, ?> claims) {
        Jwt.Builder jwt = Jwt.builder().algorithm(JwkEC.ALG_ES256).type("JWT").keyId(kid);
        claims.forEach(jwt::addPayloadClaim);
        return SignedJwt.sign(jwt.build(), JwkEC.builder().keyId(kid).algorithm(JwkEC.ALG_ES256).usage(Jwk.USE_SIGNATURE)
                .publicKey(publicKey).privateKey(privateKey).build()).tokenContent();
    }

    /** The public half as a Helidon JWK, for a key set that verifies (no private key in it). */
    public JwkEC verificationJwk() {
        return JwkEC.builder().keyId(kid).algorithm(JwkEC.ALG_ES256).usage(Jwk.USE_SIGNATURE).publicKey(publicKey).build();
    }

    /**
     * The public JWK, as served in {@code /.well-known/jwks.json}. Helidon's JWK types read JSON but do
     * not write it, so the document is written here (the coordinates as RFC 7518 6.2.1 wants them).
     */
    public Map<String, String> publicJwk() {
        Map<String, String> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("kid", kid);
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        jwk.put("x", Es256.coordinate(publicKey.getW().getAffineX()));
        jwk.put("y", Es256.coordinate(publicKey.getW().getAffineY()));
        return jwk;
    }
}

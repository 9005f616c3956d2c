package dev.courier.platform.security;

import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/** An ES256 key with its JWK key id. The private half never leaves auth. */
public record SigningKey(String kid, ECPublicKey publicKey, ECPrivateKey privateKey) {

    public static SigningKey of(String kid, KeyPair pair) {
        return new SigningKey(kid, (ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
    }

    /** The public JWK, as served in {@code /.well-known/jwks.json}. */
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

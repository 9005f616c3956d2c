package dev.courier.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.courier.platform.http.Json;

/** Compact JWS with ES256 only: no "none", no HMAC, so no algorithm confusion. */
public final class Jwt {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Jwt() {
    }

    public static String sign(SigningKey key, Map<String, Object> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "ES256");
        header.put("typ", "JWT");
        header.put("kid", key.kid());
        String signingInput = B64.encodeToString(Json.write(header)) + "." + B64.encodeToString(Json.write(claims));
        byte[] sig = Es256.sign(key.privateKey(), signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64.encodeToString(sig);
    }

    /**
     * Checks the signature against the key named by {@code kid} and returns the claims; empty when
     * the token is malformed, uses another algorithm, names an unknown key, or the signature fails.
     * Expiry and audience are the caller's to check.
     */
    public static Optional<Map<String, Object>> verify(String token, KeySource keys) {
        if (token == null || token.length() > 8192) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            Map<String, Object> header = Json.MAPPER.readValue(B64D.decode(parts[0]), MAP);
            if (!"ES256".equals(header.get("alg")) || !(header.get("kid") instanceof String kid)) {
                return Optional.empty();
            }
            Optional<ECPublicKey> key = keys.key(kid);
            if (key.isEmpty()) {
                return Optional.empty();
            }
            byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            if (!Es256.verify(key.get(), input, B64D.decode(parts[2]))) {
                return Optional.empty();
            }
            return Optional.of(Json.MAPPER.readValue(B64D.decode(parts[1]), MAP));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }
}

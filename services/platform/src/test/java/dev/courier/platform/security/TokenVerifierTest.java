package dev.courier.platform.security;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.helidon.security.jwt.jwk.JwkKeys;

import dev.courier.platform.http.Json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class TokenVerifierTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private final SigningKey key = SigningKey.of("k1", Es256.generate());
    private final SigningKey other = SigningKey.of("k2", Es256.generate());
    private final KeySource keys = kid -> JwkKeys.builder().addKey(key.verificationJwk()).build();
    private final TokenVerifier verifier = new TokenVerifier(keys, Clock.fixed(NOW, ZoneOffset.UTC));

    private Map<String, Object> claims(Instant exp) {
        return TokenVerifier.claims(42, "s1", List.of("user"), NOW.minusSeconds(60), exp, "j1");
    }

    @Test
    void acceptsAValidTokenAndReadsUserSessionAndRoles() {
        String token = key.sign(TokenVerifier.claims(42, "s1", List.of("user", "admin"), NOW, NOW.plusSeconds(900), "j"));
        Caller caller = verifier.verify(token).orElseThrow();
        assertThat(caller.userId(), is(42L));
        assertThat(caller.sessionId(), is("s1"));
        assertThat(caller.isAdmin(), is(true));
    }

    @Test
    void aVerifiedTokenStaysValidOnlyUntilItExpires() {
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(NOW);
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        TokenVerifier v = new TokenVerifier(keys, moving);
        String token = key.sign(claims(NOW.plusSeconds(60)));
        assertThat(v.verify(token).isPresent(), is(true));
        assertThat(v.verify(token).isPresent(), is(true));
        now.set(NOW.plusSeconds(600));
        assertThat(v.verify(token).isPresent(), is(false));
        assertThat(v.verify(token).isPresent(), is(false));
    }

    @Test
    void rejectsExpiredTokens() {
        assertThat(verifier.verify(key.sign(claims(NOW.minusSeconds(120)))).isPresent(), is(false));
    }

    @Test
    void rejectsTokensSignedByAnUnknownKey() {
        assertThat(verifier.verify(other.sign(claims(NOW.plusSeconds(60)))).isPresent(), is(false));
    }

    @Test
    void rejectsATamperedPayload() {
        String[] parts = key.sign(claims(NOW.plusSeconds(60))).split("\\.");
        Map<String, Object> forged = new HashMap<>(claims(NOW.plusSeconds(60)));
        forged.put("sub", "1");
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(forged));
        assertThat(verifier.verify(parts[0] + "." + payload + "." + parts[2]).isPresent(), is(false));
    }

    @Test
    void rejectsTheNoneAlgorithmAndGarbage() {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(claims(NOW.plusSeconds(60))));
        assertThat(verifier.verify(header + "." + payload + ".").isPresent(), is(false));
        assertThat(verifier.verify("not-a-token").isPresent(), is(false));
        assertThat(verifier.verify("a.b.c").isPresent(), is(false));
    }

    @Test
    void rejectsAnHs256TokenKeyedWithThePublicKey() throws Exception {
        // Algorithm confusion: a verifier that let the token pick the algorithm would check this HMAC
        // with the public key's bytes, which anyone can fetch from the JWKS.
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64(Json.write(claims(NOW.plusSeconds(60))));
        for (byte[] secret : List.of(key.publicKey().getEncoded(), Json.write(key.publicJwk()),
                Json.write(Map.of("keys", List.of(key.publicJwk()))))) {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            String mac64 = b64(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
            assertThat(verifier.verify(header + "." + payload + "." + mac64).isPresent(), is(false));
        }
    }

    @Test
    void rejectsAnAllZeroSignatureAndOneWithoutAKeyId() throws Exception {
        // r = s = 0 satisfied the JDK's ECDSA check in CVE-2022-21449; it must never verify.
        String signed = key.sign(claims(NOW.plusSeconds(60)));
        String input = signed.substring(0, signed.lastIndexOf('.'));
        assertThat(verifier.verify(input + "." + b64(new byte[64])).isPresent(), is(false));
        assertThat(verifier.verify(input + "." + b64(new byte[0])).isPresent(), is(false));
        String kidless = b64("{\"alg\":\"ES256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + b64(Json.write(claims(NOW.plusSeconds(60))));
        java.security.Signature es256 = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
        es256.initSign(key.privateKey());
        es256.update(kidless.getBytes(StandardCharsets.US_ASCII));
        byte[] sig = es256.sign();
        assertThat(verifier.verify(kidless + "." + b64(sig)).isPresent(), is(false));
        assertThat(verifier.verify(signed).isPresent(), is(true));
    }

    @Test
    void rejectsTheNoneAlgorithmWithoutAKeyId() {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(header + "." + b64(Json.write(claims(NOW.plusSeconds(60)))) + ".").isPresent(), is(false));
    }

    @Test
    void extraClaimsTravelButCannotReplaceCouriersOwn() throws Exception {
        Map<String, Object> c = TokenVerifier.claims(42, "s1", List.of("user"), NOW, NOW.plusSeconds(60), "j", Map.of("seed", "003", "sub", "7"));
        String token = key.sign(c);
        assertThat(verifier.verify(token).orElseThrow().userId(), is(42L));
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(Json.MAPPER.readTree(payload).get("seed").asText(), is("003"));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Test
    void rejectsAWrongAudienceOrIssuer() {
        Map<String, Object> c = new HashMap<>(claims(NOW.plusSeconds(60)));
        c.put("aud", "someone-else");
        assertThat(verifier.verify(key.sign(c)).isPresent(), is(false));
        c = new HashMap<>(claims(NOW.plusSeconds(60)));
        c.put("iss", "evil");
        assertThat(verifier.verify(key.sign(c)).isPresent(), is(false));
    }

    @Test
    void jwkCoordinatesRoundTripAndOffCurvePointsAreRefused() {
        Map<String, String> jwk = key.publicJwk();
        assertThat(Es256.publicKey(jwk.get("x"), jwk.get("y")).getW(), is(key.publicKey().getW()));
        byte[] point = Es256.uncompressed(key.publicKey());
        point[64] ^= 1;
        boolean refused;
        try {
            Es256.fromUncompressed(point);
            refused = false;
        } catch (IllegalArgumentException e) {
            refused = true;
        }
        assertThat(refused, is(true));
    }
}

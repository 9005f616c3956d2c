package dev.courier.notifier.push;

import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.JwkEC;

import dev.courier.platform.security.Es256;

/**
 * Voluntary Application Server Identification (RFC 8292): the key pair push services know us by,
 * and the {@code Authorization: vapid t=<jwt>, k=<key>} header for one endpoint.
 */
public final class Vapid {

    /** RFC 8292 forbids tokens valid for more than 24 hours; we stay well below. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(12);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final ECPublicKey publicKey;
    private final ECPrivateKey privateKey;
    private final String subject;

    public Vapid(ECPublicKey publicKey, ECPrivateKey privateKey, String subject) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.subject = subject;
    }

    /** From base64url keys: the 65-byte uncompressed public point and the 32-byte private scalar. */
    public static Vapid of(String publicKey, String privateKey, String subject) {
        ECPublicKey pub = Es256.fromUncompressed(B64D.decode(publicKey));
        ECPrivateKey priv = privateKey(B64D.decode(privateKey));
        return new Vapid(pub, priv, subject);
    }

    public static Vapid generate(String subject) {
        KeyPair pair = Es256.generate();
        return new Vapid((ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate(), subject);
    }

    static ECPrivateKey privateKey(byte[] scalar) {
        if (scalar.length != 32) {
            throw new IllegalArgumentException("A P-256 private key is 32 bytes");
        }
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, scalar), Es256.p256Spec()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Invalid P-256 private key", e);
        }
    }

    /** The application server key browsers pass to {@code PushManager.subscribe}, base64url. */
    public String publicKeyBase64() {
        return B64.encodeToString(Es256.uncompressed(publicKey));
    }

    public String privateKeyBase64() {
        return Es256.coordinate(privateKey.getS());
    }

    public ECPublicKey publicKey() {
        return publicKey;
    }

    /** The header value for a request to {@code endpoint}; the audience is the endpoint's origin only. */
    public String authorization(URI endpoint, Instant now) {
        return "vapid t=" + token(origin(endpoint), now.plus(TOKEN_LIFETIME)) + ", k=" + publicKeyBase64();
    }

    String token(String audience, Instant expiresAt) {
        // Helidon's SignedJwt writes the JWS (raw R||S, as RFC 7518 wants, not DER); "aud" stays a
        // string, as push services expect it.
        Jwt jwt = Jwt.builder().type("JWT").algorithm(JwkEC.ALG_ES256)
                .addPayloadClaim("aud", audience)
                .addPayloadClaim("exp", expiresAt.getEpochSecond())
                .addPayloadClaim("sub", subject)
                .build();
        return SignedJwt.sign(jwt, JwkEC.builder().algorithm(JwkEC.ALG_ES256).publicKey(publicKey).privateKey(privateKey).build()).tokenContent();
    }

    /** scheme://host[:port], with the port only when it is not the scheme's default. */
    public static String origin(URI endpoint) {
        String scheme = endpoint.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = endpoint.getPort();
        boolean dflt = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + endpoint.getHost().toLowerCase(java.util.Locale.ROOT) + (dflt ? "" : ":" + port);
    }
}

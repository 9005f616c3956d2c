package dev.courier.platform.security;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * P-256 keys with plain JDK crypto: generation, JWK coordinates and SEC1 points (Web Push). JWTs
 * (access tokens, VAPID) are signed and verified by Helidon's {@code helidon-security-jwt}
 * ({@link SigningKey#sign}, {@link TokenVerifier}), not here.
 */
public final class Es256 {

    private static final ECParameterSpec P256 = p256();

    private Es256() {
    }

    public static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks a raw R||S signature with the JDK alone: the notifier's tests check what Helidon signed with it. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        if (signature.length != 64) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The JWK coordinate of a public key: unsigned big-endian, left-padded to exactly 32 bytes. */
    public static String coordinate(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** Rebuilds a P-256 public key from JWK coordinates; rejects points that are not on the curve. */
    public static ECPublicKey publicKey(String x, String y) {
        byte[] xb = Base64.getUrlDecoder().decode(x);
        byte[] yb = Base64.getUrlDecoder().decode(y);
        if (xb.length != 32 || yb.length != 32) {
            throw new IllegalArgumentException("P-256 coordinates must be 32 bytes");
        }
        ECPoint point = new ECPoint(new BigInteger(1, xb), new BigInteger(1, yb));
        if (!onCurve(point)) {
            throw new IllegalArgumentException("Point is not on P-256");
        }
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Invalid P-256 key", e);
        }
    }

    /** Uncompressed SEC1 encoding (0x04 || X || Y), as Web Push uses. */
    public static byte[] uncompressed(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 4;
        System.arraycopy(Base64.getUrlDecoder().decode(coordinate(key.getW().getAffineX())), 0, out, 1, 32);
        System.arraycopy(Base64.getUrlDecoder().decode(coordinate(key.getW().getAffineY())), 0, out, 33, 32);
        return out;
    }

    /** Parses an uncompressed SEC1 point, rejecting anything off the curve. */
    public static ECPublicKey fromUncompressed(byte[] point) {
        if (point.length != 65 || point[0] != 4) {
            throw new IllegalArgumentException("Expected a 65-byte uncompressed P-256 point");
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return publicKey(b64.encodeToString(Arrays.copyOfRange(point, 1, 33)), b64.encodeToString(Arrays.copyOfRange(point, 33, 65)));
    }

    public static ECParameterSpec p256Spec() {
        return P256;
    }

    /** Whether {@code key} is a point of P-256 (a JWK can name one curve and carry another's point). */
    static boolean onP256(ECPublicKey key) {
        return onCurve(key.getW());
    }

    static boolean onCurve(ECPoint p) {
        var curve = P256.getCurve();
        BigInteger prime = ((java.security.spec.ECFieldFp) curve.getField()).getP();
        BigInteger x = p.getAffineX();
        BigInteger y = p.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(prime) >= 0 || y.compareTo(prime) >= 0) {
            return false;
        }
        BigInteger lhs = y.multiply(y).mod(prime);
        BigInteger rhs = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(prime);
        return lhs.equals(rhs);
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

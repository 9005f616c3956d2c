package dev.courier.auth.keys;

import java.math.BigInteger;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;

import dev.courier.platform.security.Es256;

/**
 * P-256 scalar multiplication of the generator, used once at start to derive the public key of a
 * configured private key (the JDK has no API for it). Not constant-time: it runs on our own key,
 * at start-up only, never on attacker-chosen input.
 */
final class Points {

    private static final ECParameterSpec SPEC = Es256.p256Spec();
    private static final BigInteger P = ((ECFieldFp) SPEC.getCurve().getField()).getP();
    private static final BigInteger A = SPEC.getCurve().getA();

    private Points() {
    }

    static ECPoint multiplyG(BigInteger k) {
        ECPoint result = ECPoint.POINT_INFINITY;
        ECPoint addend = SPEC.getGenerator();
        for (int i = 0; i < k.bitLength(); i++) {
            if (k.testBit(i)) {
                result = add(result, addend);
            }
            addend = add(addend, addend);
        }
        return result;
    }

    private static ECPoint add(ECPoint p, ECPoint q) {
        if (p.equals(ECPoint.POINT_INFINITY)) {
            return q;
        }
        if (q.equals(ECPoint.POINT_INFINITY)) {
            return p;
        }
        BigInteger lambda;
        if (p.getAffineX().equals(q.getAffineX())) {
            if (p.getAffineY().add(q.getAffineY()).mod(P).signum() == 0) {
                return ECPoint.POINT_INFINITY;
            }
            BigInteger x = p.getAffineX();
            lambda = x.pow(2).multiply(BigInteger.valueOf(3)).add(A)
                    .multiply(p.getAffineY().shiftLeft(1).modInverse(P)).mod(P);
        } else {
            lambda = q.getAffineY().subtract(p.getAffineY())
                    .multiply(q.getAffineX().subtract(p.getAffineX()).modInverse(P)).mod(P);
        }
        BigInteger x3 = lambda.pow(2).subtract(p.getAffineX()).subtract(q.getAffineX()).mod(P);
        BigInteger y3 = lambda.multiply(p.getAffineX().subtract(x3)).subtract(p.getAffineY()).mod(P);
        return new ECPoint(x3, y3);
    }
}

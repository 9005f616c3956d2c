package dev.courier.notifier.push;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.courier.platform.security.Es256;

/**
 * Message encryption for Web Push (RFC 8291) in the {@code aes128gcm} content coding (RFC 8188),
 * with plain JDK crypto. A fresh ephemeral key pair and salt per message; one record only, which is
 * all Web Push allows (a body of at most 4096 bytes).
 */
public final class PushEncryption {

    /** The record size we announce; push services accept bodies of up to 4096 bytes. */
    public static final int RECORD_SIZE = 4096;
    /** Header (86) + delimiter (1) + tag (16) leave this much for the plaintext in one 4096-byte record. */
    public static final int MAX_PLAINTEXT = RECORD_SIZE - 86 - 1 - 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private PushEncryption() {
    }

    /** Encrypts for a subscription's {@code p256dh} (65-byte point) and {@code auth} (16 bytes). */
    public static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return encrypt(plaintext, uaPublic, authSecret, Es256.generate(), salt);
    }

    /** The deterministic core, given the sender's ephemeral key pair and the salt (the RFC's example fixes both). */
    static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret, KeyPair ephemeral, byte[] salt) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("Push payload of " + plaintext.length + " bytes exceeds " + MAX_PLAINTEXT);
        }
        if (authSecret.length != 16) {
            throw new IllegalArgumentException("The auth secret must be 16 bytes");
        }
        if (salt.length != 16) {
            throw new IllegalArgumentException("The salt must be 16 bytes");
        }
        // Parsing checks the point is on P-256: an off-curve key would leak the private key bit by bit.
        ECPublicKey ua = Es256.fromUncompressed(uaPublic);
        byte[] asPublic = Es256.uncompressed((ECPublicKey) ephemeral.getPublic());
        try {
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(ephemeral.getPrivate());
            ka.doPhase(ua, true);
            byte[] ecdhSecret = ka.generateSecret();

            byte[] prkKey = hmac(authSecret, ecdhSecret);
            byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, asPublic, new byte[] {1});
            byte[] ikm = hmac(prkKey, keyInfo);
            byte[] prk = hmac(salt, ikm);
            byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), new byte[] {1})), 16);
            byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), new byte[] {1})), 12);

            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
            // 0x02 marks the last (and only) record; no further padding.
            byte[] ciphertext = gcm.doFinal(concat(plaintext, new byte[] {2}));

            ByteBuffer header = ByteBuffer.allocate(16 + 4 + 1 + asPublic.length);
            header.put(salt).putInt(RECORD_SIZE).put((byte) asPublic.length).put(asPublic);
            return concat(header.array(), ciphertext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Web Push encryption failed", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

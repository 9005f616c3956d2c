package dev.courier.notifier.bench;

import java.net.URI;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;

import dev.courier.notifier.push.PushEncryption;
import dev.courier.notifier.push.Vapid;
import dev.courier.platform.security.Es256;

/**
 * CPU cost of one push message on the notifier's side: RFC 8291 encryption (ephemeral key pair,
 * ECDH, HKDF, AES-GCM) and the VAPID header (one ES256 signature). Not a test: run it by hand
 * (see the notifier's report) and read the numbers it prints.
 */
public final class PushCryptoBenchmark {

    private PushCryptoBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        KeyPair ua = Es256.generate();
        byte[] p256dh = Es256.uncompressed((ECPublicKey) ua.getPublic());
        byte[] auth = new byte[16];
        new SecureRandom().nextBytes(auth);
        byte[] payload = new byte[300];
        Vapid vapid = Vapid.generate("mailto:bench@courier.test");
        URI endpoint = URI.create("https://push.example.net/wpush/v2/abc");
        // Warm-up, so the JIT has compiled the hot paths before timing.
        for (int i = 0; i < n / 5; i++) {
            PushEncryption.encrypt(payload, p256dh, auth);
            vapid.authorization(endpoint, Instant.now());
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            PushEncryption.encrypt(payload, p256dh, auth);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            vapid.authorization(endpoint, Instant.now());
        }
        long t2 = System.nanoTime();
        System.out.printf("encrypt (300-byte payload): %.1f us/op, %.0f ops/s%n", (t1 - t0) / 1e3 / n, n / ((t1 - t0) / 1e9));
        System.out.printf("VAPID header:               %.1f us/op, %.0f ops/s%n", (t2 - t1) / 1e3 / n, n / ((t2 - t1) / 1e9));
    }
}

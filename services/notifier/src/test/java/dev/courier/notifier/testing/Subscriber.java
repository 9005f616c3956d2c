package dev.courier.notifier.testing;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.Map;

import dev.courier.platform.http.Json;
import dev.courier.platform.security.Es256;

/** A browser's side of a push subscription: its key pair and auth secret, and decryption by npm http_ece. */
public record Subscriber(String endpoint, String p256dh, String auth, String privateKey) {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static Subscriber at(String endpoint) {
        KeyPair pair = Es256.generate();
        byte[] auth = new byte[16];
        new SecureRandom().nextBytes(auth);
        return new Subscriber(endpoint, B64.encodeToString(Es256.uncompressed((ECPublicKey) pair.getPublic())),
                B64.encodeToString(auth), Es256.coordinate(((ECPrivateKey) pair.getPrivate()).getS()));
    }

    /** The body {@code PushSubscription.toJSON()} gives. */
    public Map<String, Object> json() {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("endpoint", endpoint);
        body.put("expirationTime", null);
        body.put("keys", Map.of("p256dh", p256dh, "auth", auth));
        return body;
    }

    public String decrypt(byte[] body) {
        String request = Json.writeString(Map.of("body", Base64.getEncoder().encodeToString(body), "privateKey", privateKey,
                "authSecret", auth));
        return Node.script("decrypt.js", request, 60);
    }

    public static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

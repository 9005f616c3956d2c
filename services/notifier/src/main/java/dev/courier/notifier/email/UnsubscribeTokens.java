package dev.courier.notifier.email;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed one-click unsubscribe tokens ({@code <userId>.<HMAC>}): the link in an email turns off that
 * user's email notifications without a login, and cannot be forged for another user.
 */
public final class UnsubscribeTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;

    public UnsubscribeTokens(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("The unsubscribe key must be at least 32 bytes");
        }
        this.key = key.clone();
    }

    public String issue(long userId) {
        return userId + "." + B64.encodeToString(mac(userId));
    }

    /** The user id of a genuine token, empty for anything else. */
    public OptionalLong verify(String token) {
        if (token == null || token.length() > 200) {
            return OptionalLong.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return OptionalLong.empty();
        }
        long userId;
        byte[] given;
        try {
            userId = Long.parseLong(token.substring(0, dot));
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
        return userId > 0 && MessageDigest.isEqual(mac(userId), given) ? OptionalLong.of(userId) : OptionalLong.empty();
    }

    private byte[] mac(long userId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(("courier-unsubscribe-email:" + userId).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.courier.messenger.messages;

import java.util.Map;

import dev.courier.platform.http.ProblemException;

/**
 * What a message carries: plain text, or an end-to-end encrypted payload the server never reads
 * (only its size is bounded). Validated here so HTTP and WebSocket apply the same rules.
 */
public record Payload(String text, String ciphertext, String nonce, Map<String, String> envelopes) {

    public static final int MAX_TEXT = 4000;
    public static final int MAX_CIPHERTEXT = 48 * 1024;
    public static final int MAX_ENVELOPES = 256;

    public static Payload of(String text, String ciphertext, String nonce, Map<String, String> envelopes) {
        noNul("text", text);
        noNul("ciphertext", ciphertext);
        noNul("nonce", nonce);
        if (envelopes != null) {
            envelopes.forEach((k, v) -> {
                noNul("envelopes", k);
                noNul("envelopes." + k, v);
            });
        }
        if (text != null && ciphertext != null) {
            throw ProblemException.badField("text", "Send either 'text' or an encrypted 'ciphertext', not both.");
        }
        if (text != null) {
            if (text.isBlank()) {
                throw ProblemException.badField("text", "'text' must not be blank.");
            }
            if (text.length() > MAX_TEXT) {
                throw ProblemException.badField("text", "'text' must be at most " + MAX_TEXT + " characters.");
            }
            if (nonce != null || envelopes != null) {
                throw ProblemException.badField(nonce != null ? "nonce" : "envelopes", "Only an encrypted message has a nonce and envelopes.");
            }
            return new Payload(text, null, null, null);
        }
        if (ciphertext == null) {
            throw ProblemException.badField("text", "A message needs 'text' or 'ciphertext'.");
        }
        if (ciphertext.isEmpty() || ciphertext.length() > MAX_CIPHERTEXT) {
            throw ProblemException.badField("ciphertext", "'ciphertext' must be 1 to " + MAX_CIPHERTEXT + " characters.");
        }
        if (nonce == null || nonce.isEmpty() || nonce.length() > 256) {
            throw ProblemException.badField("nonce", "An encrypted message needs a 'nonce' of 1 to 256 characters.");
        }
        if (envelopes != null) {
            if (envelopes.size() > MAX_ENVELOPES) {
                throw ProblemException.badField("envelopes", "At most " + MAX_ENVELOPES + " envelopes.");
            }
            for (var e : envelopes.entrySet()) {
                if (e.getValue() == null || e.getValue().length() > 4096 || e.getKey().length() > 64) {
                    throw ProblemException.badField("envelopes." + e.getKey(), "An envelope must be a string of at most 4096 characters.");
                }
            }
        }
        return new Payload(null, ciphertext, nonce, envelopes == null ? Map.of() : Map.copyOf(envelopes));
    }

    /** PostgreSQL text and jsonb cannot hold U+0000: refused here, naming the field, rather than failing the insert. */
    private static void noNul(String field, String value) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw ProblemException.badField(field, "'" + field + "' must not contain the NUL character (U+0000).");
        }
    }

    /** Client-supplied ids: 1 to 64 printable characters. */
    public static String clientId(String clientId) {
        if (clientId == null) {
            return null;
        }
        if (clientId.isEmpty() || clientId.length() > 64 || !clientId.chars().allMatch(ch -> ch > 32 && ch < 127)) {
            throw ProblemException.badField("clientId", "'clientId' must be 1 to 64 printable ASCII characters.");
        }
        return clientId;
    }
}

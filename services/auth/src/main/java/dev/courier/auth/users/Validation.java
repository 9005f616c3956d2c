package dev.courier.auth.users;

import java.util.regex.Pattern;

import dev.courier.platform.http.ProblemException;

/** Semantic rules for account fields, each failure a 400 naming the field. */
public final class Validation {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{2,31}");
    // A bare address only, as HTML's <input type=email> defines it (no display name, no quotes,
    // brackets, commas or comments that a mail library would read as a second mailbox), with a dot
    // in the domain. Whether it exists is learnt by mailing it a verification link.
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    public static final int MAX_DISPLAY_NAME = 64;
    // Bidirectional embeddings, overrides, isolates and marks: in a name they make "alice\u202Eexe.txt"
    // display as another text than it is (a sender who looks like someone else).
    private static final String BIDI_CONTROLS = "\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069";

    private Validation() {
    }

    public static String username(String field, String value) {
        required(field, value);
        if (!USERNAME.matcher(value).matches()) {
            throw ProblemException.badField(field, "A username has 3 to 32 letters, digits, '_', '.' or '-' and starts with a letter or digit.");
        }
        return value;
    }

    /** A bare address, normalised: the domain in lower case (the local part is the mailbox's own). */
    public static String email(String field, String value) {
        required(field, value);
        if (value.length() > 254 || !EMAIL.matcher(value).matches()) {
            throw ProblemException.badField(field, "'" + field + "' must be a bare email address such as name@example.com.");
        }
        int at = value.lastIndexOf('@');
        return value.substring(0, at + 1) + value.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }

    public static String displayName(String field, String value) {
        required(field, value);
        String trimmed = value.strip();
        if (trimmed.isEmpty() || trimmed.codePointCount(0, trimmed.length()) > MAX_DISPLAY_NAME
                || trimmed.codePoints().anyMatch(c -> Character.isISOControl(c) || BIDI_CONTROLS.indexOf(c) >= 0)) {
            throw ProblemException.badField(field, "A display name has 1 to " + MAX_DISPLAY_NAME + " characters and no control characters.");
        }
        return trimmed;
    }

    public static void required(String field, Object value) {
        if (value == null) {
            throw ProblemException.badField(field, "'" + field + "' is required.");
        }
    }

    /** A free-form string with an upper bound, so huge strings are refused before any work. */
    public static String bounded(String field, String value, int max) {
        required(field, value);
        if (value.isEmpty() || value.length() > max) {
            throw ProblemException.badField(field, "'" + field + "' must have 1 to " + max + " characters.");
        }
        return value;
    }
}

package dev.courier.auth.users;

import java.util.regex.Pattern;

import dev.courier.platform.http.ProblemException;

/** Semantic rules for account fields, each failure a 400 naming the field. */
public final class Validation {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{2,31}");
    // Deliberately simple: one @, no spaces or control characters, a dot in the domain. Whether the
    // address really exists is only learnt by mailing it.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]+\\.[^@\\s\\p{Cntrl}.]+");
    public static final int MAX_DISPLAY_NAME = 64;

    private Validation() {
    }

    public static String username(String field, String value) {
        required(field, value);
        if (!USERNAME.matcher(value).matches()) {
            throw ProblemException.badField(field, "A username has 3 to 32 letters, digits, '_', '.' or '-' and starts with a letter or digit.");
        }
        return value;
    }

    public static String email(String field, String value) {
        required(field, value);
        if (value.length() > 254 || !EMAIL.matcher(value).matches()) {
            throw ProblemException.badField(field, "'" + field + "' is not a valid email address.");
        }
        return value;
    }

    public static String displayName(String field, String value) {
        required(field, value);
        String trimmed = value.strip();
        if (trimmed.isEmpty() || trimmed.codePointCount(0, trimmed.length()) > MAX_DISPLAY_NAME
                || trimmed.codePoints().anyMatch(Character::isISOControl)) {
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

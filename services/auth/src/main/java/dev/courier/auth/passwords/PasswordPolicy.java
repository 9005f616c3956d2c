package dev.courier.auth.passwords;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import dev.courier.platform.http.ProblemException;

/** NIST 800-63B style: 8..128 characters, no composition rules, the most common passwords refused. */
public final class PasswordPolicy {

    public static final int MIN = 8;
    public static final int MAX = 128;

    private final Set<String> common;

    private PasswordPolicy(Set<String> common) {
        this.common = common;
    }

    public static PasswordPolicy load() {
        try (InputStream in = PasswordPolicy.class.getResourceAsStream("common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("common-passwords.txt is missing");
            }
            Set<String> set = new HashSet<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                r.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .forEach(l -> set.add(l.toLowerCase(Locale.ROOT)));
            }
            return new PasswordPolicy(Set.copyOf(set));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws a 400 naming {@code field} when the password is unacceptable. */
    public void check(String field, String password) {
        if (password == null) {
            throw ProblemException.badField(field, "'" + field + "' is required.");
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN) {
            throw ProblemException.badField(field, "The password must have at least " + MIN + " characters.");
        }
        if (length > MAX) {
            throw ProblemException.badField(field, "The password must have at most " + MAX + " characters.");
        }
        if (common.contains(password.toLowerCase(Locale.ROOT))) {
            throw ProblemException.badField(field, "This password is too common; choose another.");
        }
    }
}

package dev.courier.platform.security;

import io.helidon.security.jwt.jwk.JwkKeys;

/**
 * Where verifiers find the public keys that may have signed a token. Helidon's {@link JwkKeys} is a
 * fixed set, but keys rotate: a source is asked with the token's {@code kid} so it can reload its
 * set when that kid is new to it (how often is the source's policy).
 */
@FunctionalInterface
public interface KeySource {

    /** The current key set, reloaded first when it lacks {@code kid} and the source's policy allows. */
    JwkKeys keys(String kid);
}

package dev.courier.platform.security;

import java.security.interfaces.ECPublicKey;
import java.util.Optional;

/** Where verifiers find public keys by {@code kid}. */
@FunctionalInterface
public interface KeySource {
    Optional<ECPublicKey> key(String kid);
}

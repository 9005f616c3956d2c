package dev.courier.auth.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.helidon.config.Config;

/**
 * Who may call the UserDirectory: each calling service presents its own credential (the request's
 * {@code credential}), configured under {@code courier.auth.grpc.clients.<service>.credential}; a
 * call without a known one is refused. Only a caller configured with {@code emails: true} (the
 * notifier, which mails digests) is given email addresses. With no client configured, every call
 * is refused.
 */
public final class DirectoryCallers {

    /** A configured calling service. */
    record Caller(String service, byte[] credential, boolean emails) {
    }

    private final Map<String, Caller> callers;

    DirectoryCallers(Map<String, Caller> callers) {
        this.callers = Map.copyOf(callers);
    }

    public static DirectoryCallers fromConfig(Config clients) {
        Map<String, Caller> callers = new LinkedHashMap<>();
        clients.asNodeList().orElse(java.util.List.of()).forEach(c -> {
            String credential = c.get("credential").asString().orElse("");
            if (!credential.isBlank()) {
                callers.put(c.name(), new Caller(c.name(), credential.getBytes(StandardCharsets.UTF_8), c.get("emails").asBoolean().orElse(false)));
            }
        });
        return new DirectoryCallers(callers);
    }

    public Set<String> services() {
        return callers.keySet();
    }

    /** The service a credential belongs to, compared in constant time against each (few) configured one. */
    Optional<Caller> identify(String credential) {
        if (credential == null || credential.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = credential.getBytes(StandardCharsets.UTF_8);
        Caller found = null;
        for (Caller c : callers.values()) {
            if (MessageDigest.isEqual(c.credential(), presented)) {
                found = c;
            }
        }
        return Optional.ofNullable(found);
    }
}

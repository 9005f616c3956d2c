package dev.courier.notifier.push;

import io.helidon.config.Config;

/** Where the VAPID key pair comes from: configuration if set, else generated once and kept in the database. */
public final class VapidKeys {

    private VapidKeys() {
    }

    /** Reads {@code courier.notifier.vapid.public}/{@code .private}/{@code .subject}. */
    public static Vapid load(Config notifier, Secrets secrets) {
        String subject = notifier.get("vapid.subject").asString().orElse("mailto:notifications@courier.dev");
        var pub = notifier.get("vapid.public").asString().filter(s -> !s.isBlank());
        var priv = notifier.get("vapid.private").asString().filter(s -> !s.isBlank());
        if (pub.isPresent() != priv.isPresent()) {
            throw new IllegalStateException("Set both courier.notifier.vapid.public and courier.notifier.vapid.private, or neither");
        }
        if (pub.isPresent()) {
            return Vapid.of(pub.get(), priv.get(), subject);
        }
        // One row for both halves, so two replicas starting together cannot mix halves of two pairs.
        String stored = secrets.getOrCreate("vapid", () -> {
            Vapid fresh = Vapid.generate(subject);
            return fresh.publicKeyBase64() + "." + fresh.privateKeyBase64();
        });
        int dot = stored.indexOf('.');
        return Vapid.of(stored.substring(0, dot), stored.substring(dot + 1), subject);
    }
}

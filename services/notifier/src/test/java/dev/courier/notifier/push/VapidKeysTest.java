package dev.courier.notifier.push;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import dev.courier.notifier.testing.Notifier;
import dev.courier.platform.db.Database;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VapidKeysTest {

    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }

    @Test
    void configuredKeysWin() {
        Vapid configured = Vapid.generate("mailto:x@courier.test");
        Vapid loaded = VapidKeys.load(config(Map.of("vapid.public", configured.publicKeyBase64(),
                "vapid.private", configured.privateKeyBase64())), null);
        assertThat(loaded.publicKeyBase64(), is(configured.publicKeyBase64()));
    }

    @Test
    void halfAConfiguredPairIsRefused() {
        Vapid configured = Vapid.generate("mailto:x@courier.test");
        assertThrows(IllegalStateException.class,
                () -> VapidKeys.load(config(Map.of("vapid.public", configured.publicKeyBase64())), null));
    }

    @Test
    void generatedKeysAreKeptInTheSchemaSoEveryRestartAndReplicaUsesTheSameOnes() {
        Notifier n = Notifier.get();
        Config db = config(Map.of("url", n.stack.dbUrl(), "user", n.stack.dbUser(), "password", n.stack.dbPassword(), "pool", "1"));
        try (Database database = Database.open(db, "notifier")) {
            Vapid again = VapidKeys.load(config(Map.of()), new Secrets(database));
            assertThat(again.publicKeyBase64(), is(n.app.vapid().publicKeyBase64()));
        }
    }
}

package dev.courier.messenger.testing;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.courier.messenger.MessengerApp;
import dev.courier.platform.testing.Http;

/**
 * A messenger instance of one test class, with config overrides, started before its tests and
 * stopped after them: {@code @RegisterExtension static final OwnMessenger node = OwnMessenger.with(...)}.
 * {@link #onDatabase} gives it a database of its own on the shared server, for tests whose outbox,
 * publishing role or event log no other instance may touch.
 */
public final class OwnMessenger implements BeforeAllCallback, AfterAllCallback {

    private final String database;
    private final Map<String, String> overrides;
    private Cluster.Node node;

    private OwnMessenger(String database, Map<String, String> overrides) {
        this.database = database;
        this.overrides = overrides;
    }

    /** On the shared database, with these config keys and values (alternating). */
    public static OwnMessenger with(String... keysAndValues) {
        return new OwnMessenger(null, pairs(keysAndValues));
    }

    /** On a database of its own (created if missing), with these config keys and values (alternating). */
    public static OwnMessenger onDatabase(String database, String... keysAndValues) {
        return new OwnMessenger(database, pairs(keysAndValues));
    }

    private static Map<String, String> pairs(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate");
        }
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Map<String, String> config = new HashMap<>(overrides);
        if (database != null) {
            config.put("courier.db.url", Cluster.privateDatabase(database));
        }
        node = Cluster.startMessenger(config);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (node != null) {
            node.stop();
            node = null;
        }
    }

    public Http http() {
        return node.http();
    }

    public String ws() {
        return node.ws();
    }

    public int port() {
        return node.port();
    }

    public MessengerApp app() {
        return node.app();
    }
}

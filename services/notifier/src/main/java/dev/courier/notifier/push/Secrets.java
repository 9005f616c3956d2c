package dev.courier.notifier.push;

import java.util.function.Supplier;

import dev.courier.platform.db.Database;

/**
 * Generated secrets kept in the notifier schema (the VAPID key pair, the unsubscribe-link key), so
 * every replica and every restart uses the same ones. The first writer wins; the others read its value.
 */
public final class Secrets {

    private static final String INSERT = """
            INSERT INTO secret (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING
            """;
    private static final String SELECT = """
            SELECT value FROM secret WHERE name = ?
            """;

    private final Database db;

    public Secrets(Database db) {
        this.db = db;
    }

    public String getOrCreate(String name, Supplier<String> generator) {
        return db.withConnection(c -> {
            try (var insert = c.prepareStatement(INSERT)) {
                insert.setString(1, name);
                insert.setString(2, generator.get());
                insert.executeUpdate();
            }
            try (var select = c.prepareStatement(SELECT)) {
                select.setString(1, name);
                try (var rs = select.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }
}

package dev.courier.notifier.push;

import java.util.function.Supplier;

import dev.courier.notifier.NotifierApp;
import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;

/**
 * Generated secrets kept in the notifier schema (the VAPID key pair, the unsubscribe-link key), so
 * every replica and every restart uses the same ones. The first writer wins; the others read its value.
 */
public final class Secrets {

    private final SqlClient db;

    public Secrets(Database db) {
        this.db = SqlClient.over(db, NotifierApp.STATEMENTS);
    }

    public String getOrCreate(String name, Supplier<String> generator) {
        return db.execute(exec -> {
            exec.namedInsert("insert-secret", name, generator.get());
            return exec.namedGet("secret", name).orElseThrow().column(1).get(String.class);
        });
    }
}

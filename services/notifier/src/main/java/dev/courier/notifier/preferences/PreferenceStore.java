package dev.courier.notifier.preferences;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import io.helidon.dbclient.DbRow;

import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;

/** The {@code preference} and {@code mute} tables (statements in {@code dev/courier/notifier/statements.yaml}). */
public final class PreferenceStore {

    private final SqlClient db;

    public PreferenceStore(Database db) {
        this.db = SqlClient.over(db, dev.courier.notifier.NotifierApp.STATEMENTS);
    }

    public Preferences get(long userId) {
        return db.execute(exec -> exec.namedGet("preference", userId))
                .map(r -> new Preferences(r.column(1).get(Boolean.class), r.column(2).get(Boolean.class), r.column(3).get(Boolean.class)))
                .orElse(Preferences.DEFAULT);
    }

    public void put(long userId, Preferences p) {
        db.execute(exec -> exec.namedDml("put-preference", userId, p.push(), p.email(), p.previews()));
    }

    public void disableEmail(long userId) {
        db.execute(exec -> exec.namedDml("disable-email", userId));
    }

    public void mute(long userId, long chatId, Instant until) {
        db.execute(exec -> exec.namedDml("mute", userId, chatId, Timestamp.from(until)));
    }

    public void unmute(long userId, long chatId) {
        db.execute(exec -> exec.namedDelete("unmute", userId, chatId));
    }

    public List<Mute> activeMutes(long userId, Instant now) {
        return db.execute(exec -> {
            try (Stream<DbRow> rows = exec.namedQuery("active-mutes", userId, Timestamp.from(now))) {
                return rows.map(r -> new Mute(SqlClient.number(r, 1), r.column(2).get(Timestamp.class).toInstant())).toList();
            }
        });
    }

    public boolean muted(long userId, long chatId, Instant now) {
        return db.execute(exec -> exec.namedGet("is-muted", userId, chatId, Timestamp.from(now))).isPresent();
    }
}

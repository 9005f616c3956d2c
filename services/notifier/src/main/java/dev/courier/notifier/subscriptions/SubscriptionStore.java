package dev.courier.notifier.subscriptions;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.helidon.dbclient.DbRow;

import dev.courier.notifier.NotifierApp;
import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;

/**
 * The {@code subscription} table. An endpoint belongs to one browser profile: its owner may renew
 * its keys, the same browser re-subscribing as another user (same keys) moves it, anyone else
 * posting it changes nothing (statement {@code save-subscription}).
 */
public final class SubscriptionStore {

    private final SqlClient db;

    public SubscriptionStore(Database db) {
        this.db = SqlClient.over(db, NotifierApp.STATEMENTS);
    }

    /** Stores or renews a subscription; empty when the endpoint is another user's under other keys (nothing changed). */
    public Optional<Subscription> save(long userId, String endpoint, String p256dh, String auth) {
        return db.execute(exec -> exec.namedGet("save-subscription", userId, endpoint, p256dh, auth)).map(SubscriptionStore::map);
    }

    /** How many subscriptions the user has besides {@code endpoint}. */
    public int countOthers(long userId, String endpoint) {
        return (int) db.execute(exec -> exec.namedGet("count-other-subscriptions", userId, endpoint))
                .map(r -> SqlClient.number(r, 1)).orElse(0L).longValue();
    }

    public List<Subscription> forUser(long userId) {
        return db.execute(exec -> {
            try (Stream<DbRow> rows = exec.namedQuery("subscriptions-of-user", userId)) {
                return rows.map(SubscriptionStore::map).toList();
            }
        });
    }

    /** Deletes the caller's own subscription; false when it is not theirs or does not exist. */
    public boolean deleteOwn(long userId, long id) {
        return db.execute(exec -> exec.namedDelete("delete-own-subscription", id, userId)) == 1;
    }

    public void delete(long id) {
        db.execute(exec -> exec.namedDelete("delete-subscription", id));
    }

    private static Subscription map(DbRow r) {
        return new Subscription(SqlClient.number(r, 1), SqlClient.number(r, 2), r.column(3).get(String.class),
                r.column(4).get(String.class), r.column(5).get(String.class), r.column(6).get(Timestamp.class).toInstant());
    }
}

package dev.courier.notifier.delivery;

import dev.courier.notifier.NotifierApp;
import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;

/** Event ids already handled, so a redelivered Kafka record never notifies twice. */
public final class ProcessedEvents {

    private final SqlClient db;

    public ProcessedEvents(Database db) {
        this.db = SqlClient.over(db, NotifierApp.STATEMENTS);
    }

    /** True for the first claim of an event id, false for every later one (from any replica). */
    public boolean claim(String eventId) {
        return db.execute(exec -> exec.namedInsert("claim-event", eventId)) == 1;
    }
}

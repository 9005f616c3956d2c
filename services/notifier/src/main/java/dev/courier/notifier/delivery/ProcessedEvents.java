package dev.courier.notifier.delivery;

import dev.courier.platform.db.Database;

/** Event ids already handled, so a redelivered Kafka record never notifies twice. */
public final class ProcessedEvents {

    private static final String CLAIM = """
            INSERT INTO processed_event (event_id) VALUES (?) ON CONFLICT (event_id) DO NOTHING
            """;

    private final Database db;

    public ProcessedEvents(Database db) {
        this.db = db;
    }

    /** True for the first claim of an event id, false for every later one (from any replica). */
    public boolean claim(String eventId) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement(CLAIM)) {
                ps.setString(1, eventId);
                return ps.executeUpdate() == 1;
            }
        });
    }
}

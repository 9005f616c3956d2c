package dev.courier.stats.processing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;

import static dev.courier.platform.db.SqlClient.number;

/**
 * The consumer's SQL (named statements in {@code statements.yaml}): processed rows, counter
 * increments and per-group offsets, each batch's in the one transaction it is given.
 */
final class ProcessedStore {

    /** Where a group is on one partition. */
    record Position(long next, long published) {
    }

    private final SqlClient db;

    ProcessedStore(Database db) {
        this.db = SqlClient.over(db, dev.courier.stats.counts.CountStore.STATEMENTS);
    }

    <T> T inTransaction(Function<DbTransaction, T> work) {
        return db.inTransaction(work);
    }

    /** The stored positions of a group, for seeking on partition assignment. */
    Map<Integer, Position> positions(String group, String topic) {
        return db.execute(exec -> positions(exec.namedQuery("positions", group, topic)));
    }

    /**
     * Locks the group's rows of these partitions for the rest of the transaction (creating them at
     * offset 0), so a consumer that lost its partitions cannot count the same records concurrently.
     */
    Map<Integer, Position> lock(DbTransaction tx, String group, String topic, Collection<Integer> partitions) {
        Integer[] sorted = new TreeSet<>(partitions).toArray(new Integer[0]);
        tx.namedInsert("create-positions", group, topic, sorted);
        return positions(tx.namedQuery("lock-positions", group, topic, sorted));
    }

    private static Map<Integer, Position> positions(java.util.stream.Stream<DbRow> rows) {
        try (rows) {
            return rows.collect(Collectors.toMap(r -> (int) number(r, 1), r -> new Position(number(r, 2), number(r, 3))));
        }
    }

    /** Inserts the messages not recorded yet (by any group) and returns the ids it inserted. */
    Set<Long> insert(DbTransaction tx, List<RecordedMessage> messages, Instant processedAt) {
        if (messages.isEmpty()) {
            return Set.of();
        }
        int n = messages.size();
        Long[] ids = new Long[n];
        Long[] chats = new Long[n];
        Long[] senders = new Long[n];
        String[] recipients = new String[n];
        String[] created = new String[n];
        String[] events = new String[n];
        for (int i = 0; i < n; i++) {
            RecordedMessage m = messages.get(i);
            ids[i] = m.messageId();
            chats[i] = m.conversationId();
            senders[i] = m.senderId();
            StringBuilder sb = new StringBuilder("{");
            for (int j = 0; j < m.recipientIds().length; j++) {
                sb.append(j == 0 ? "" : ",").append(m.recipientIds()[j]);
            }
            recipients[i] = sb.append('}').toString();
            created[i] = m.createdAt().toString();
            events[i] = m.eventId();
        }
        try (var rows = tx.namedQuery("insert-processed", processedAt.toString(), ids, chats, senders, recipients, created, events)) {
            return rows.map(r -> number(r, 1)).collect(Collectors.toSet());
        }
    }

    /** One row per recipient of each newly recorded message. */
    void receipts(DbTransaction tx, List<RecordedMessage> messages) {
        List<Long> recipients = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (RecordedMessage m : messages) {
            for (long r : m.recipientIds()) {
                recipients.add(r);
                created.add(m.createdAt().toString());
                ids.add(m.messageId());
            }
        }
        if (recipients.isEmpty()) {
            return;
        }
        tx.namedInsert("insert-receipts", recipients.toArray(new Long[0]), created.toArray(new String[0]), ids.toArray(new Long[0]));
    }

    /** Adds a batch's increments to the counters, rows in a fixed order. */
    void add(DbTransaction tx, Tally tally) {
        if (tally.isEmpty()) {
            return;
        }
        int n = tally.counts().size();
        Long[] metric = new Long[n];
        Long[] subject = new Long[n];
        Long[] grain = new Long[n];
        Long[] bucket = new Long[n];
        Long[] count = new Long[n];
        int i = 0;
        for (var e : tally.counts().entrySet()) {
            metric[i] = (long) e.getKey().metric();
            subject[i] = e.getKey().subject();
            grain[i] = (long) e.getKey().grain();
            bucket[i] = e.getKey().bucket();
            count[i] = e.getValue();
            i++;
        }
        tx.namedInsert("add-counts", metric, subject, grain, bucket, count);
    }

    /** Moves the group past the counted records (never backwards). */
    void advance(DbTransaction tx, String group, String topic, Map<Integer, Long> next) {
        update(tx, "advance", group, topic, next);
    }

    /** Records that every processed event before these offsets reached Kafka. */
    void published(String group, String topic, Map<Integer, Long> upTo) {
        db.execute(exec -> {
            update(exec, "published", group, topic, upTo);
            return null;
        });
    }

    private static void update(DbExecute exec, String statement, String group, String topic, Map<Integer, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        Integer[] partitions = new TreeSet<>(offsets.keySet()).toArray(new Integer[0]);
        Long[] values = new Long[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            values[i] = offsets.get(partitions[i]);
        }
        exec.namedUpdate(statement, partitions, values, group, topic);
    }

    /** When already-recorded messages were processed (for republishing their marks). */
    Map<Long, ProcessedRow> find(DbTransaction tx, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Long, ProcessedRow> out = new HashMap<>();
        try (var rows = tx.namedQuery("find-processed", (Object) ids.toArray(new Long[0]))) {
            rows.forEach(r -> {
                long micros = number(r, 3);
                out.put(number(r, 1), new ProcessedRow(number(r, 1), number(r, 2),
                        Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L)));
            });
        }
        return out;
    }

    /** A recorded message, as its processed event describes it. */
    record ProcessedRow(long messageId, long conversationId, Instant processedAt) {
    }

    static List<Long> ids(Collection<RecordedMessage> messages) {
        List<Long> ids = new ArrayList<>(messages.size());
        messages.forEach(m -> ids.add(m.messageId()));
        return ids;
    }
}

package dev.courier.stats.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;
import dev.courier.platform.config.Configs;
import dev.courier.platform.events.MessageEvent;
import dev.courier.platform.http.Json;
import dev.courier.platform.server.Backing;
import dev.courier.stats.Kafkas;
import dev.courier.stats.StatsApp;
import dev.courier.stats.counts.CountStore;
import dev.courier.stats.counts.Grain;
import dev.courier.stats.counts.Metric;
import dev.courier.stats.processing.StatsConsumer;

/**
 * Query latency over 10 million processed messages, and the consumer's messages per second.
 * Not a test: run it by hand (see services/stats/BENCHMARK.md). It uses its own database
 * {@code courier_bench} on the local PostgreSQL (bulk-loaded once with COPY, reused while its row
 * count matches) and throwaway Kafka topics (its events and their marks), never the shared test data.
 *
 * <p>System properties: {@code rows} (10000000), {@code queries} per kind (400), {@code events}
 * for the consumer run (100000), {@code phases} after the load ({@code queries,consumer}),
 * {@code rebuildCounters} (true: rebuild the counters of already loaded rows).
 */
public final class StatsBench {

    private static final long START = 1_767_225_600L; // 2026-01-01T00:00:00Z
    private static final long SPAN = 180 * 86_400L;
    private static final int USERS = 20_000;
    private static final int DIRECT = 40_000;
    private static final int ROOMS = 2_000;
    private static final String DATABASE = "courier_bench";

    private final long rows = Long.getLong("rows", 10_000_000L);
    private final int queries = Integer.getInteger("queries", 400);
    private final int events = Integer.getInteger("events", 100_000);
    private final String phases = System.getProperty("phases", "queries,consumer");
    private final long[][] members = new long[DIRECT + ROOMS][];
    private final Random random = new Random(2026);

    public static void main(String[] args) throws Exception {
        new StatsBench().run();
        System.exit(0);
    }

    private StatsBench() {
        for (int c = 0; c < DIRECT; c++) {
            long a = 1 + random.nextInt(USERS);
            long b;
            do {
                b = 1 + random.nextInt(USERS);
            } while (b == a);
            members[c] = new long[] {a, b};
        }
        for (int c = DIRECT; c < DIRECT + ROOMS; c++) {
            int size = 3 + (int) (47 * Math.pow(random.nextDouble(), 3));
            members[c] = random.longs(size * 2L, 1, USERS + 1).distinct().limit(size).toArray();
        }
    }

    private void run() throws Exception {
        Endpoints infra = LocalStack.shared();
        String url = infra.dbUrl().substring(0, infra.dbUrl().lastIndexOf('/') + 1) + DATABASE;
        try (Connection c = DriverManager.getConnection(infra.dbUrl(), infra.dbUser(), infra.dbPassword());
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!rs.next()) {
                    st.execute("CREATE DATABASE " + DATABASE);
                }
            }
        }
        Map<String, String> config = new HashMap<>(infra.config());
        config.put("courier.db.url", url);
        config.put("courier.db.pool", "4");
        try (Backing backing = Backing.open(Configs.load(StatsApp.class, config), "stats", StatsApp.class)) {
            System.out.printf(Locale.ROOT, "date %s, %d cores, PostgreSQL %s%n", Instant.now(),
                    Runtime.getRuntime().availableProcessors(), version(backing));
            load(backing, url, infra);
            if (phases.contains("queries")) {
                queries(backing);
            }
            if (phases.contains("consumer")) {
                consumer(backing);
            }
        }
    }

    private static String version(Backing b) {
        return b.db().withConnection(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version")) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    // ---------------------------------------------------------------- bulk load

    private void load(Backing backing, String url, Endpoints infra) throws SQLException {
        Long loaded = backing.db().withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS bench_meta (rows bigint NOT NULL)");
                try (ResultSet rs = st.executeQuery("SELECT rows FROM bench_meta")) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        });
        boolean reuse = loaded != null && loaded == rows;
        if (reuse) {
            System.out.printf(Locale.ROOT, "reusing %,d loaded messages%n", rows);
            if (!Boolean.getBoolean("rebuildCounters")) {
                return;
            }
        }
        try (Connection c = DriverManager.getConnection(url, infra.dbUser(), infra.dbPassword())) {
            if (!reuse) {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("SET search_path TO stats");
                    st.execute("SET maintenance_work_mem = '512MB'");
                    st.execute("SET work_mem = '256MB'");
                    st.execute("TRUNCATE processed_messages, receipts, counters, consumer_offsets, bench_meta");
                    for (String idx : List.of("processed_messages_created", "processed_messages_sender",
                            "processed_messages_chat")) {
                        st.execute("DROP INDEX IF EXISTS " + idx);
                    }
                    st.execute("ALTER TABLE receipts DROP CONSTRAINT receipts_pkey");
                }
                long t = System.nanoTime();
                copy(c);
                System.out.printf(Locale.ROOT, "COPY %,d rows: %.1f s%n", rows, (System.nanoTime() - t) / 1e9);
                try (Statement st = c.createStatement()) {
                    st.execute("SET search_path TO stats");
                    st.execute("SET maintenance_work_mem = '512MB'");
                    timed(st, "index created_at", "CREATE INDEX processed_messages_created ON processed_messages (created_at)");
                    timed(st, "index sender", "CREATE INDEX processed_messages_sender ON processed_messages (sender_id, created_at)");
                    timed(st, "index chat", "CREATE INDEX processed_messages_chat ON processed_messages (conversation_id, created_at)");
                    timed(st, "receipts", "INSERT INTO receipts (recipient_id, created_at, message_id)"
                            + " SELECT r, created_at, message_id FROM processed_messages, unnest(recipient_ids) AS r");
                    timed(st, "receipts primary key", "ALTER TABLE receipts ADD PRIMARY KEY (recipient_id, created_at, message_id)");
                    timed(st, "vacuum analyze receipts", "VACUUM ANALYZE receipts");
                    timed(st, "vacuum analyze", "VACUUM ANALYZE processed_messages");
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET search_path TO stats");
                st.execute("SET maintenance_work_mem = '512MB'");
                st.execute("SET work_mem = '256MB'");
                st.execute("TRUNCATE counters, bench_meta");
                // The same rows the consumer's Tally writes, built in bulk: totals per minute and
                // rolled up; per user/chat per day and rolled up to 32 days.
                String epoch = "floor(extract(epoch FROM created_at) / %d)::bigint * %d";
                timed(st, "counters: totals per minute", """
                        INSERT INTO counters (metric, subject, grain, bucket, n)
                        SELECT 1, 0, 60, b, count(*) FROM (SELECT %s AS b FROM processed_messages) x GROUP BY b
                        UNION ALL
                        SELECT 2, 0, 60, b, sum(r) FROM (SELECT %s AS b, cardinality(recipient_ids) AS r FROM processed_messages) x GROUP BY b
                        """.formatted(epoch.formatted(60, 60), epoch.formatted(60, 60)));
                for (int g : new int[] {3_600, 86_400, 32 * 86_400}) {
                    timed(st, "counters: totals per " + g + " s", """
                            INSERT INTO counters (metric, subject, grain, bucket, n)
                            SELECT metric, 0, %d, bucket / %d * %d, sum(n) FROM counters
                            WHERE metric IN (1, 2) AND grain = 60 GROUP BY metric, bucket / %d * %d
                            """.formatted(g, g, g, g, g));
                }
                String day = epoch.formatted(86_400, 86_400);
                timed(st, "counters: sent per user per day", """
                        INSERT INTO counters (metric, subject, grain, bucket, n)
                        SELECT 3, sender_id, 86400, %s AS b, count(*) FROM processed_messages GROUP BY sender_id, b
                        """.formatted(day));
                timed(st, "counters: received per user per day", """
                        INSERT INTO counters (metric, subject, grain, bucket, n)
                        SELECT 4, r, 86400, b, count(*) FROM (SELECT unnest(recipient_ids) AS r, %s AS b FROM processed_messages) x GROUP BY r, b
                        """.formatted(day));
                timed(st, "counters: per chat per day", """
                        INSERT INTO counters (metric, subject, grain, bucket, n)
                        SELECT 5, conversation_id, 86400, %s AS b, count(*) FROM processed_messages GROUP BY conversation_id, b
                        """.formatted(day));
                int g = 32 * 86_400;
                timed(st, "counters: per user/chat per 32 days", """
                        INSERT INTO counters (metric, subject, grain, bucket, n)
                        SELECT metric, subject, %d, bucket / %d * %d, sum(n) FROM counters
                        WHERE metric IN (3, 4, 5) AND grain = 86400 GROUP BY metric, subject, bucket / %d * %d
                        """.formatted(g, g, g, g, g));
                timed(st, "vacuum analyze counters", "VACUUM ANALYZE counters");
                st.execute("INSERT INTO bench_meta VALUES (" + rows + ")");
                try (ResultSet rs = st.executeQuery("SELECT count(*), pg_size_pretty(pg_total_relation_size('counters')),"
                        + " pg_size_pretty(pg_total_relation_size('processed_messages')),"
                        + " pg_size_pretty(pg_total_relation_size('receipts')) FROM counters")) {
                    rs.next();
                    System.out.printf(Locale.ROOT, "counters: %,d rows, %s; processed_messages: %s; receipts: %s%n",
                            rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
                }
            }
        }
    }

    private void copy(Connection c) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "COPY stats.processed_messages (message_id, conversation_id, sender_id, recipient_ids, created_at, processed_at, event_id) FROM STDIN");
        StringBuilder sb = new StringBuilder(1 << 20);
        for (long id = 1; id <= rows; id++) {
            Message m = message(id);
            sb.append(id).append('\t').append(m.chat).append('\t').append(m.sender).append("\t{");
            for (int i = 0; i < m.recipients.length; i++) {
                sb.append(i == 0 ? "" : ",").append(m.recipients[i]);
            }
            String at = Instant.ofEpochSecond(m.createdSecond, m.nanos / 1000 * 1000).toString();
            sb.append("}\t").append(at).append('\t').append(at).append("\tcreated-").append(id).append('\n');
            if (sb.length() > (1 << 20) - 512) {
                byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                in.writeToCopy(bytes, 0, bytes.length);
                sb.setLength(0);
            }
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        in.endCopy();
    }

    private record Message(long chat, long sender, long[] recipients, long createdSecond, int nanos) {
    }

    /** 80% of messages in direct chats; busy chats are much busier than quiet ones. */
    private Message message(long id) {
        int chat = random.nextDouble() < 0.8 ? (int) (DIRECT * Math.pow(random.nextDouble(), 2))
                : DIRECT + (int) (ROOMS * Math.pow(random.nextDouble(), 2));
        long[] in = members[chat];
        long sender = in[random.nextInt(in.length)];
        long[] recipients = Arrays.stream(in).filter(u -> u != sender).sorted().toArray();
        long second = START + (long) (random.nextDouble() * SPAN);
        return new Message(chat + 1, sender, recipients, second, random.nextInt(1_000_000_000));
    }

    private static void timed(Statement st, String what, String sql) throws SQLException {
        long t = System.nanoTime();
        st.execute(sql);
        System.out.printf(Locale.ROOT, "%s: %.1f s%n", what, (System.nanoTime() - t) / 1e9);
    }

    // ---------------------------------------------------------------- queries

    private void queries(Backing backing) {
        CountStore counts = new CountStore(backing.db());
        Random r = new Random(7);
        long heavy = counts.top(Metric.USER_SENT, START, START + 31 * 86_400L, 1).get(0).id();
        Map<String, LongSupplier> kinds = new LinkedHashMap<>();
        kinds.put("total messages (any range)", () -> counts.count(Metric.MESSAGES, 0, rs(r), re()));
        kinds.put("total received (seed /MessagesReceived)", () -> counts.count(Metric.RECEIVED, 0, rs(r), re()));
        kinds.put("received by a user", () -> counts.count(Metric.USER_RECEIVED, user(r), rs(r), re()));
        kinds.put("sent by a user", () -> counts.count(Metric.USER_SENT, user(r), rs(r), re()));
        kinds.put("sent by the busiest user", () -> counts.count(Metric.USER_SENT, heavy, rs(r), re()));
        kinds.put("received by the busiest user", () -> counts.count(Metric.USER_RECEIVED, heavy, rs(r), re()));
        kinds.put("per chat", () -> counts.count(Metric.CHAT, 1 + (long) (DIRECT * Math.pow(r.nextDouble(), 2)), rs(r), re()));
        kinds.put("busiest 10 senders (<= 31 whole days)", () -> counts.top(Metric.USER_SENT, ds(r, 31), de(), 10).size());
        kinds.put("busiest 10 chats (<= 31 whole days)", () -> counts.top(Metric.CHAT, ds(r, 31), de(), 10).size());
        kinds.put("busiest 10 senders (1 day)", () -> counts.top(Metric.USER_SENT, ds(r, 1), de(), 10).size());
        kinds.put("series: total per minute (<= 1 day)", () -> series(counts, Metric.MESSAGES, 0, Grain.MINUTE, r));
        kinds.put("series: user received per hour (<= 60 days)", () -> series(counts, Metric.USER_RECEIVED, user(r), Grain.HOUR, r));
        kinds.put("series: busiest user sent per hour (<= 60 days)", () -> series(counts, Metric.USER_SENT, heavy, Grain.HOUR, r));
        kinds.put("series: chat per day (<= 180 days)", () -> series(counts, Metric.CHAT, 1 + r.nextInt(100), Grain.DAY, r));
        // warm up the pool, the JIT and PostgreSQL's caches
        for (LongSupplier q : kinds.values()) {
            for (int i = 0; i < 30; i++) {
                q.getAsLong();
            }
        }
        System.out.printf(Locale.ROOT, "%n%-50s %8s %8s %8s %8s%n", "query (" + queries + " random ranges each)", "p50 ms", "p90 ms", "p99 ms", "max ms");
        for (var e : kinds.entrySet()) {
            double[] ms = new double[queries];
            for (int i = 0; i < queries; i++) {
                long t = System.nanoTime();
                e.getValue().getAsLong();
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "%-50s %8.2f %8.2f %8.2f %8.2f%n", e.getKey(), ms[queries / 2],
                    ms[(int) (queries * 0.9)], ms[(int) Math.ceil(queries * 0.99) - 1], ms[queries - 1]);
        }
        verify(backing, counts, r, heavy);
    }

    private long pendingEnd;

    /** A random range: since anywhere in the data (to the second), length log-uniform from 1 s to 180 days. */
    private long rs(Random r) {
        long length = (long) Math.exp(r.nextDouble() * Math.log(SPAN));
        long since = START - 3_600 + (long) (r.nextDouble() * (SPAN + 7_200 - length));
        pendingEnd = since + length;
        return since;
    }

    private long re() {
        return pendingEnd;
    }

    private long ds(Random r, int maxDays) {
        int days = 1 + r.nextInt(maxDays);
        long since = START + r.nextInt((int) (SPAN / 86_400) - days) * 86_400L;
        pendingEnd = since + days * 86_400L;
        return since;
    }

    private long de() {
        return pendingEnd;
    }

    private long series(CountStore counts, Metric m, long subject, Grain g, Random r) {
        long max = 1_440L * g.seconds();
        long length = Math.min(max, Math.min(SPAN, (long) (r.nextDouble() * max) + g.seconds()));
        long since = START + (long) (r.nextDouble() * (SPAN - length));
        return counts.series(m, subject, g, since, since + length).size();
    }

    private static long user(Random r) {
        return 1 + r.nextInt(USERS);
    }

    /** The pre-aggregated answers equal counting the raw rows. */
    private void verify(Backing backing, CountStore counts, Random r, long heavy) {
        int checked = 0;
        for (int i = 0; i < 20; i++) {
            long since = rs(r);
            long to = re();
            long user = i % 2 == 0 ? heavy : user(r);
            long[] fast = {counts.count(Metric.MESSAGES, 0, since, to), counts.count(Metric.USER_SENT, user, since, to),
                    counts.count(Metric.USER_RECEIVED, user, since, to)};
            long[] slow = backing.db().withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT count(*), count(*) FILTER (WHERE sender_id = ?), count(*) FILTER (WHERE ? = ANY (recipient_ids))
                        FROM processed_messages WHERE created_at >= to_timestamp(?) AND created_at < to_timestamp(?)""")) {
                    ps.setLong(1, user);
                    ps.setLong(2, user);
                    ps.setLong(3, since);
                    ps.setLong(4, to);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
                    }
                }
            });
            if (!Arrays.equals(fast, slow)) {
                throw new IllegalStateException("Mismatch on [" + since + ", " + to + ") user " + user + ": "
                        + Arrays.toString(fast) + " vs raw " + Arrays.toString(slow));
            }
            checked++;
        }
        System.out.printf(Locale.ROOT, "checked %d random ranges against a full count of the raw rows: equal%n", checked);
    }

    // ---------------------------------------------------------------- consumer

    private void consumer(Backing backing) throws Exception {
        String topic = "courier.bench.messages." + System.nanoTime();
        String processed = topic + ".processed";
        backing.admin().createTopics(List.of(new NewTopic(topic, 6, (short) 1), new NewTopic(processed, 6, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        try {
            long base = 1_000_000_000_000L + System.nanoTime() % 1_000_000_000_000L;
            long when = 1_924_992_000L; // 2031, outside the queried data
            Random r = new Random(3);
            try (var producer = new KafkaProducer<String, byte[]>(backing.kafka().producer("stats-bench"))) {
                for (int i = 0; i < events; i++) {
                    Message m = message(0);
                    Instant at = Instant.ofEpochSecond(when + r.nextInt(86_400 * 30), m.nanos);
                    List<Long> recipients = Arrays.stream(m.recipients).boxed().toList();
                    MessageEvent e = new MessageEvent(1, "bench-" + (base + i), MessageEvent.CREATED, at, m.chat, "direct",
                            new MessageEvent.Message(base + i, m.sender, "bench message " + i, null, null, null, at, null, false),
                            recipients);
                    producer.send(new ProducerRecord<>(topic, Long.toString(m.chat), Json.write(e)));
                }
                producer.flush();
            }
            Map<Integer, Long> end = Kafkas.endOffsets(backing.admin(), topic);
            String group = "stats-bench-" + System.nanoTime();
            long t = System.nanoTime();
            try (StatsConsumer c = new StatsConsumer(backing.db(), backing.kafka(), topic, processed, group, 500,
                    StatsConsumer.NONE, Clock.systemUTC())) {
                c.start();
                awaitCounted(backing, topic, group, end);
            }
            double s = (System.nanoTime() - t) / 1e9;
            System.out.printf(Locale.ROOT, "%nconsumer: %,d message.created events (avg %.2f recipients) counted and marked in %.1f s: %,.0f messages/s (batches of 500, into the %,d-row table)%n",
                    events, averageRecipients(), s, events / s, rows);
        } finally {
            backing.admin().deleteTopics(List.of(topic, processed)).all().get(30, TimeUnit.SECONDS);
        }
    }

    private double averageRecipients() {
        long sum = 0;
        Random saved = new Random(99);
        for (int i = 0; i < 10_000; i++) {
            int chat = saved.nextDouble() < 0.8 ? (int) (DIRECT * Math.pow(saved.nextDouble(), 2))
                    : DIRECT + (int) (ROOMS * Math.pow(saved.nextDouble(), 2));
            sum += members[chat].length - 1;
        }
        return sum / 10_000.0;
    }

    private static void awaitCounted(Backing backing, String topic, String group, Map<Integer, Long> end) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
        while (Instant.now().isBefore(deadline)) {
            boolean done = backing.db().withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT partition, published_offset FROM consumer_offsets WHERE group_id = ? AND topic = ?")) {
                    ps.setString(1, group);
                    ps.setString(2, topic);
                    Map<Integer, Long> at = new HashMap<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            at.put(rs.getInt(1), rs.getLong(2));
                        }
                    }
                    return end.entrySet().stream().allMatch(e -> e.getValue() == 0 || at.getOrDefault(e.getKey(), 0L) >= e.getValue());
                }
            });
            if (done) {
                return;
            }
            Kafkas.sleep(100);
        }
        throw new IllegalStateException("The consumer did not finish in 30 minutes");
    }
}

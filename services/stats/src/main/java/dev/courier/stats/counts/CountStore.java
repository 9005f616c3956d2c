package dev.courier.stats.counts;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.helidon.dbclient.DbExecute;

import dev.courier.platform.db.Database;
import dev.courier.platform.db.SqlClient;

import static dev.courier.platform.db.SqlClient.number;

/**
 * Answers range queries from the pre-aggregated counters: whole buckets from {@code counters}
 * (coarsest that fit), and the partial edges from the raw rows ({@code processed_messages}, and
 * {@code receipts} for a user's received messages), so a
 * count is exact to the second and costs a bounded number of rows however much data there is.
 */
public final class CountStore {

    /** How many of each day's busiest subjects the ranked lists read (at least the limit asked). */
    static final int TOP_DEPTH = 200;

    /** Named statements of the stats service (fixed SQL). */
    public static final String STATEMENTS = "dev/courier/stats/statements.yaml";

    private final SqlClient db;
    private final int topDepth;

    public CountStore(Database db) {
        this(db, TOP_DEPTH);
    }

    /** With another depth of the per-day ranked lists (tests use tiny ones to exercise the proof). */
    public CountStore(Database db, int topDepth) {
        this.db = SqlClient.over(db, STATEMENTS);
        this.topDepth = topDepth;
    }

    /** A subject with its count, for the busiest-senders/chats lists. */
    public record Ranked(long id, long messages) {
    }

    /** One bucket of a time series: its start (Unix seconds) and its count within the range. */
    public record Point(long t, long messages) {
    }

    /** How many of {@code metric} for {@code subject} (0 for totals) in {@code [since, to)}. */
    public long count(Metric metric, long subject, long since, long to) {
        if (since >= to) {
            return 0;
        }
        return db.execute(exec -> count(exec, metric, subject, since, to));
    }

    /** The statement's shape follows the range (its buckets and raw edges), so it is built here, not named. */
    private static long count(DbExecute exec, Metric metric, long subject, long since, long to) {
        List<Span> spans = Span.decompose(since, to, metric.grains());
        StringBuilder sql = new StringBuilder("SELECT coalesce(sum(n), 0) FROM (");
        List<Object> args = new ArrayList<>();
        String sep = "";
        for (Span s : spans) {
            sql.append(sep);
            sep = " UNION ALL ";
            if (s.raw()) {
                sql.append("SELECT ").append(rawCount(metric)).append(" AS n FROM ").append(rawTable(metric))
                        .append(" WHERE ").append(rawSubject(metric)).append("created_at >= ? AND created_at < ?");
                if (metric.subjectBound()) {
                    args.add(subject);
                }
                args.add(time(s.from()));
                args.add(time(s.to()));
            } else {
                sql.append("SELECT n FROM counters WHERE metric = ? AND subject = ? AND grain = ? AND bucket >= ? AND bucket < ?");
                args.add(metric.code());
                args.add(subject);
                args.add(s.grain().seconds());
                args.add(s.from());
                args.add(s.to());
            }
        }
        sql.append(") x");
        return exec.get(sql.toString(), args.toArray()).map(r -> number(r, 1)).orElse(0L);
    }

    /**
     * The subjects with the most of {@code metric} in {@code [since, to)}, most first (ties by id).
     * Only per-subject metrics ({@link Metric#USER_SENT}, {@link Metric#USER_RECEIVED}, {@link Metric#CHAT}).
     */
    public List<Ranked> top(Metric metric, long since, long to, int limit) {
        if (!metric.subjectBound()) {
            throw new IllegalArgumentException("No subjects in " + metric);
        }
        if (since >= to) {
            return List.of();
        }
        if (since % Grain.DAY.seconds() == 0 && to % Grain.DAY.seconds() == 0) {
            List<Ranked> ranked = topByDays(metric, since, to, limit);
            if (ranked != null) {
                return ranked;
            }
        }
        return topByScan(metric, since, to, limit);
    }

    /**
     * Busiest subjects over whole days without summing every subject's days: each day's
     * {@code depth} busiest come from the ranked index; a subject missing from a day's list had at
     * most that list's last count there. That bounds every subject's total from above and below;
     * exact totals are then summed only for subjects whose upper bound can still reach the top.
     * Returns null when the lists were too short to prove the answer (the caller scans instead).
     */
    public List<Ranked> topByDays(Metric metric, long since, long to, int limit) {
        int day = Grain.DAY.seconds();
        int depth = Math.max(topDepth, limit);
        List<Long> days = new ArrayList<>();
        for (long b = since; b < to; b += day) {
            days.add(b);
        }
        return db.execute(exec -> {
            List<long[]> rows;
            try (var found = exec.namedQuery("top-by-day", days.toArray(new Long[0]), metric.code(), day, depth)) {
                rows = found.map(r -> new long[] {number(r, 1), number(r, 2), number(r, 3)}).toList();
            }
            // A day whose list is full may hide subjects with up to its last count; a shorter list hides none.
            Map<Long, Integer> listed = new HashMap<>();
            Map<Long, Long> last = new HashMap<>();
            for (long[] r : rows) {
                listed.merge(r[0], 1, Integer::sum);
                last.merge(r[0], r[2], Math::min);
            }
            Map<Long, Long> hidden = new HashMap<>();
            long hiddenTotal = 0;
            for (long d : days) {
                long h = listed.getOrDefault(d, 0) >= depth ? last.get(d) : 0;
                hidden.put(d, h);
                hiddenTotal += h;
            }
            Map<Long, Long> lower = new HashMap<>();
            Map<Long, Long> coveredHidden = new HashMap<>();
            for (long[] r : rows) {
                lower.merge(r[1], r[2], Long::sum);
                coveredHidden.merge(r[1], hidden.get(r[0]), Long::sum);
            }
            if (lower.isEmpty()) {
                return List.of();
            }
            List<Long> lows = new ArrayList<>(lower.values());
            lows.sort(Comparator.reverseOrder());
            long floor = lows.size() >= limit ? lows.get(limit - 1) : 0;
            List<Long> contenders = new ArrayList<>();
            for (var e : lower.entrySet()) {
                long upper = e.getValue() + hiddenTotal - coveredHidden.get(e.getKey());
                if (upper >= floor) {
                    contenders.add(e.getKey());
                }
            }
            List<Ranked> exact;
            try (var sums = exec.namedQuery("sum-by-subject", metric.code(), contenders.toArray(new Long[0]), day, since, to)) {
                exact = new ArrayList<>(sums.map(r -> new Ranked(number(r, 1), number(r, 2))).toList());
            }
            exact.sort(Comparator.comparingLong(Ranked::messages).reversed().thenComparingLong(Ranked::id));
            List<Ranked> best = exact.subList(0, Math.min(limit, exact.size()));
            // Proven only if no subject outside the lists can tie or beat the last one kept.
            boolean proven = hiddenTotal == 0
                    || (best.size() == limit && best.get(limit - 1).messages() > hiddenTotal);
            return proven ? List.copyOf(best) : null;
        });
    }

    /** Busiest subjects by summing every subject's buckets in the range (any range; slower). */
    public List<Ranked> topByScan(Metric metric, long since, long to, int limit) {
        StringBuilder sql = new StringBuilder("SELECT subject, sum(n) AS total FROM (");
        List<Object> args = new ArrayList<>();
        String sep = "";
        for (Span s : Span.decompose(since, to, metric.grains())) {
            sql.append(sep);
            sep = " UNION ALL ";
            if (s.raw()) {
                sql.append("SELECT ").append(rawSubjectColumn(metric))
                        .append(" AS subject, 1::bigint AS n FROM processed_messages WHERE created_at >= ? AND created_at < ?");
                args.add(time(s.from()));
                args.add(time(s.to()));
            } else {
                sql.append("SELECT subject, n FROM counters WHERE metric = ? AND grain = ? AND bucket >= ? AND bucket < ?");
                args.add(metric.code());
                args.add(s.grain().seconds());
                args.add(s.from());
                args.add(s.to());
            }
        }
        sql.append(") x GROUP BY subject ORDER BY total DESC, subject LIMIT ?");
        args.add(limit);
        return db.execute(exec -> {
            try (var rows = exec.query(sql.toString(), args.toArray())) {
                return rows.map(r -> new Ranked(number(r, 1), number(r, 2))).toList();
            }
        });
    }

    /**
     * A dense series: one point per {@code grain} bucket that overlaps {@code [since, to)}, each
     * counting only the part of its bucket inside the range (so the points add up to {@link #count}).
     */
    public List<Point> series(Metric metric, long subject, Grain grain, long since, long to) {
        if (since >= to) {
            return List.of();
        }
        if (!metric.grains().contains(grain)) {
            return db.execute(exec -> rawSeries(exec, metric, subject, grain, since, to));
        }
        return db.execute(exec -> {
            long fullFrom = grain.ceil(since);
            long fullTo = grain.floor(to);
            Map<Long, Long> values = new HashMap<>();
            if (fullFrom < fullTo) {
                try (var rows = exec.namedQuery("buckets", metric.code(), subject, grain.seconds(), fullFrom, fullTo)) {
                    rows.forEach(r -> values.put(number(r, 1), number(r, 2)));
                }
            }
            List<Point> points = new ArrayList<>();
            for (long t = grain.floor(since); t < to; t += grain.seconds()) {
                long lo = Math.max(t, since);
                long hi = Math.min(t + grain.seconds(), to);
                boolean whole = lo == t && hi == t + grain.seconds();
                // The partial buckets at the edges (at most two) are counted exactly.
                points.add(new Point(t, whole ? values.getOrDefault(t, 0L) : count(exec, metric, subject, lo, hi)));
            }
            return points;
        });
    }

    /**
     * A series at a grain finer than the metric's counters: one user's or chat's raw rows in the
     * range, grouped by bucket (the range is bounded by the series' point limit).
     */
    private static List<Point> rawSeries(DbExecute exec, Metric metric, long subject, Grain grain, long since, long to) {
        String sql = "SELECT floor(extract(epoch FROM created_at) / ?)::bigint * ? AS b, " + rawCount(metric)
                + " FROM " + rawTable(metric) + " WHERE " + rawSubject(metric) + "created_at >= ? AND created_at < ? GROUP BY b";
        List<Object> args = new ArrayList<>(List.of(grain.seconds(), grain.seconds()));
        if (metric.subjectBound()) {
            args.add(subject);
        }
        args.add(time(since));
        args.add(time(to));
        Map<Long, Long> values = new HashMap<>();
        try (var rows = exec.query(sql, args.toArray())) {
            rows.forEach(r -> values.put(number(r, 1), number(r, 2)));
        }
        List<Point> points = new ArrayList<>();
        for (long t = grain.floor(since); t < to; t += grain.seconds()) {
            points.add(new Point(t, values.getOrDefault(t, 0L)));
        }
        return points;
    }

    private static String rawCount(Metric metric) {
        return metric == Metric.RECEIVED ? "coalesce(sum(cardinality(recipient_ids)), 0)::bigint" : "count(*)";
    }

    /** Where raw rows of a metric are: a user's deliveries have their own table, keyed by recipient. */
    private static String rawTable(Metric metric) {
        return metric == Metric.USER_RECEIVED ? "receipts" : "processed_messages";
    }

    private static String rawSubject(Metric metric) {
        return switch (metric) {
            case MESSAGES, RECEIVED -> "";
            case USER_SENT -> "sender_id = ? AND ";
            case USER_RECEIVED -> "recipient_id = ? AND ";
            case CHAT -> "conversation_id = ? AND ";
        };
    }

    private static String rawSubjectColumn(Metric metric) {
        return switch (metric) {
            case USER_SENT -> "sender_id";
            case USER_RECEIVED -> "unnest(recipient_ids)";
            case CHAT -> "conversation_id";
            default -> throw new IllegalArgumentException(metric.name());
        };
    }

    static OffsetDateTime time(long second) {
        return OffsetDateTime.ofInstant(Instant.ofEpochSecond(second), ZoneOffset.UTC);
    }
}

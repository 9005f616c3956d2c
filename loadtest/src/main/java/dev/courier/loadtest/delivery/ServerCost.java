package dev.courier.loadtest.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the server spends, read from outside it: its process's CPU time (Linux {@code /proc/PID/stat})
 * and the rows its PostgreSQL schema inserted, updated and deleted ({@code pg_stat_user_tables}),
 * so a phase's cost can be divided by its joins, messages or deliveries.
 */
final class ServerCost {

    /**
     * PostgreSQL 15 backends report their table counters when a transaction ends, but at most once a
     * second while busy and within 10 s once idle (PGSTAT_IDLE_INTERVAL): a count read right after a
     * phase misses up to that much of it, so {@link #rowsSettled} waits this long first.
     */
    static final long STATS_SETTLE_MILLIS = 11_000;

    private static final String ROWS = """
            SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE schemaname = ?""";

    private ServerCost() {
    }

    /** User plus system CPU time of the process, in nanoseconds; 0 when it cannot be read. */
    static long cpuNanos(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name (which may hold spaces) start at ") ": state is field 3,
            // utime and stime are fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux).
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Rows written per table of the schema so far: table -> {inserted, updated, deleted}. */
    static Map<String, long[]> rows(String jdbc, String schema) {
        Map<String, long[]> rows = new TreeMap<>();
        if (jdbc.isBlank()) {
            return rows;
        }
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
             PreparedStatement ps = c.prepareStatement(ROWS)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read pg_stat_user_tables at " + jdbc + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** {@link #rows} after the server's backends have reported what they did so far. */
    static Map<String, long[]> rowsSettled(String jdbc, String schema) throws InterruptedException {
        if (jdbc.isBlank()) {
            return new TreeMap<>();
        }
        Thread.sleep(STATS_SETTLE_MILLIS);
        return rows(jdbc, schema);
    }

    /**
     * "rows per message: 4.02 (stream_events 1.00 ins, messages 1.00 ins, ...)": the difference of
     * two {@link #rows} snapshots divided by {@code count}, tables that changed only.
     */
    static String perUnit(String unit, Map<String, long[]> before, Map<String, long[]> after, long count) {
        if (after.isEmpty() || count <= 0) {
            return "";
        }
        StringBuilder detail = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[3]);
            long[] a = e.getValue();
            String[] kinds = {"ins", "upd", "del"};
            for (int k = 0; k < 3; k++) {
                long d = a[k] - b[k];
                if (d != 0) {
                    total += d;
                    detail.append(String.format("%s%s %.3f %s", detail.isEmpty() ? "" : ", ", e.getKey(), d / (double) count, kinds[k]));
                }
            }
        }
        return String.format("rows written per %s: %.3f over %d (%s)%n", unit, total / (double) count, count, detail);
    }
}

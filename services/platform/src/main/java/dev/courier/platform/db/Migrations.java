package dev.courier.platform.db;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * Versioned schema migrations, applied on start. A service keeps them on its classpath as
 * {@code db/<schema>/V001.sql}, {@code V002.sql}, ... (numbered without gaps; the first comment line
 * describes the change). Applied versions are recorded in {@code <schema>.schema_version}; a
 * transaction-scoped advisory lock keeps replicas that start together from racing.
 */
public final class Migrations {

    private static final System.Logger LOG = System.getLogger(Migrations.class.getName());

    private Migrations() {
    }

    /** Applies every pending migration; returns how many were applied. */
    public static int apply(Database db, ClassLoader loader) {
        String schema = db.schema();
        return db.inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(hashtext('courier-migrations-" + schema + "'))");
                st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                st.execute("CREATE TABLE IF NOT EXISTS " + schema + ".schema_version ("
                        + "version int PRIMARY KEY, description text NOT NULL, "
                        + "applied_at timestamptz NOT NULL DEFAULT now())");
                st.execute("SET LOCAL search_path TO " + schema + ", public");
            }
            Set<Integer> applied = applied(c, schema);
            int count = 0;
            for (int v = 1; ; v++) {
                String sql = load(loader, schema, v);
                if (sql == null) {
                    break;
                }
                if (applied.contains(v)) {
                    continue;
                }
                try (Statement st = c.createStatement()) {
                    st.execute(sql);
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + schema + ".schema_version (version, description) VALUES (?, ?)")) {
                    ps.setInt(1, v);
                    ps.setString(2, describe(sql));
                    ps.executeUpdate();
                }
                LOG.log(Level.INFO, "Applied migration {0} V{1}: {2}", schema, v, describe(sql));
                count++;
            }
            return count;
        });
    }

    private static Set<Integer> applied(Connection c, String schema) throws SQLException {
        Set<Integer> versions = new HashSet<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM " + schema + ".schema_version")) {
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
        }
        return versions;
    }

    private static String load(ClassLoader loader, String schema, int version) {
        String path = "db/%s/V%03d.sql".formatted(schema, version);
        try (InputStream in = loader.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read migration " + path, e);
        }
    }

    private static String describe(String sql) {
        String first = sql.strip().lines().findFirst().orElse("");
        return first.startsWith("--") ? first.substring(2).strip() : "migration";
    }
}

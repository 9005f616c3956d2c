package dev.courier.platform.db;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import dev.courier.infra.LocalStack;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Migrations against the real PostgreSQL of the test stack. */
class MigrationsTest {

    @TempDir
    Path dir;

    private static Config db() {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(LocalStack.shared().config())).build().get("courier.db");
    }

    private ClassLoader migrations(String schema, String... files) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("db").resolve(schema));
        for (int i = 0; i < files.length; i++) {
            Files.writeString(folder.resolve("V%03d.sql".formatted(i + 1)), files[i], StandardCharsets.UTF_8);
        }
        return new java.net.URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    @Test
    void appliesEachVersionOnceEvenWhenReplicasStartTogether() throws Exception {
        String schema = "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ClassLoader loader = migrations(schema,
                "-- create things\nCREATE TABLE things (id bigint PRIMARY KEY);",
                "-- add a name\nALTER TABLE things ADD COLUMN name text;");
        List<Database> dbs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Integer>> starts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Database db = Database.open(db(), schema);
                dbs.add(db);
                starts.add(() -> Migrations.apply(db, loader));
            }
            int applied = 0;
            for (Future<Integer> f : pool.invokeAll(starts)) {
                applied += f.get();
            }
            assertThat(applied, is(2));
            assertThat(Migrations.apply(dbs.getFirst(), loader), is(0));
            int versions = dbs.getFirst().withConnection(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM schema_version")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(versions, is(2));
        } finally {
            pool.shutdown();
            dbs.forEach(Database::close);
        }
    }

    @Test
    void aFailingMigrationChangesNothing() throws Exception {
        String schema = "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ClassLoader loader = migrations(schema, "-- good\nCREATE TABLE a (id int);", "-- bad\nCREATE TABLE b (id nosuchtype);");
        try (Database db = Database.open(db(), schema)) {
            assertThrows(DataAccessException.class, () -> Migrations.apply(db, loader));
            boolean tableA = db.withConnection(c -> {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT to_regclass('" + schema + ".a') IS NOT NULL")) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            });
            assertThat(tableA, is(false));
        }
    }

    @Test
    void anUnreachableDatabaseFailsFastWithOneClearMessage() {
        Config bad = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("courier.db.url", "jdbc:postgresql://127.0.0.1:1/courier",
                        "courier.db.startup-timeout-seconds", "2", "courier.db.connect-timeout-seconds", "2")))
                .build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Database.open(bad.get("courier.db"), "x"));
        assertThat(e.getMessage(), containsString("Cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/courier"));
    }
}

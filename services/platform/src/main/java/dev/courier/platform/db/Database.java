package dev.courier.platform.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.helidon.common.config.Config;

/**
 * A pooled PostgreSQL connection with transaction helpers. Each service owns one schema and sets it
 * as the search path, so its SQL never names another service's tables.
 */
public final class Database implements AutoCloseable {

    /** How long a caller waits for a pooled connection unless {@code courier.db.poolwaitmillis} says. */
    public static final long DEFAULT_POOL_WAIT_MILLIS = 1000;

    private final HikariDataSource dataSource;
    private final String schema;

    private Database(HikariDataSource dataSource, String schema) {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    /**
     * Opens the pool from {@code courier.db} ({@code url}, {@code user}, {@code password},
     * {@code pool}) and fails fast with one clear message if the database cannot be reached.
     */
    public static Database open(Config db, String schema) {
        String url = db.get("url").asString().orElseThrow(() -> new IllegalStateException("courier.db.url is not set"));
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        db.get("user").asString().ifPresent(hc::setUsername);
        db.get("password").asString().filter(p -> !p.isEmpty()).ifPresent(hc::setPassword);
        hc.setMaximumPoolSize(db.get("pool").asInt().orElse(10));
        hc.setMinimumIdle(Math.min(2, hc.getMaximumPoolSize()));
        hc.setPoolName(schema);
        // A caller waits at most this long for a connection: when PostgreSQL is down, requests
        // and health checks fail fast (503) instead of hanging; under overload, clients back off.
        hc.setConnectionTimeout(db.get("poolwaitmillis").asLong().orElse(DEFAULT_POOL_WAIT_MILLIS));
        hc.addDataSourceProperty("connectTimeout", "2");
        // Fail at start rather than on the first request: one clear line when the database is unreachable.
        hc.setConnectionInitSql("SET search_path TO " + schema + ", public");
        hc.setInitializationFailTimeout(Duration.ofSeconds(db.get("startup-timeout-seconds").asInt().orElse(15)).toMillis());
        try {
            return new Database(new HikariDataSource(hc), schema);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot connect to PostgreSQL at " + redact(url) + ": " + rootMessage(e), e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String schema() {
        return schema;
    }

    /** Work inside one transaction: committed on return, rolled back on any exception. */
    public <T> T inTransaction(SqlFunction<Connection, T> work) {
        return inTransaction(Connection.TRANSACTION_READ_COMMITTED, work);
    }

    /**
     * Reads in one repeatable-read transaction: every statement sees the same snapshot (what one
     * read found agrees with what the next one finds).
     */
    public <T> T inSnapshot(SqlFunction<Connection, T> work) {
        return inTransaction(Connection.TRANSACTION_REPEATABLE_READ, work);
    }

    private <T> T inTransaction(int isolation, SqlFunction<Connection, T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                // Hikari puts the pool's default back when the connection is returned.
                c.setTransactionIsolation(isolation);
            }
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (Throwable e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    // A connection the server cut (a restart) cannot roll back: keep the first failure,
                    // which says why (and maps to 503), rather than "connection is closed".
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Work on a connection in autocommit mode (single statements, reads). */
    public <T> T withConnection(SqlFunction<Connection, T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    public boolean ping() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** A unit of JDBC work. */
    @FunctionalInterface
    public interface SqlFunction<I, O> {
        O apply(I input) throws SQLException;
    }
}

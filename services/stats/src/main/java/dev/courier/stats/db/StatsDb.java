package dev.courier.stats.db;

import java.sql.SQLException;
import java.util.function.Function;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbStatements;
import io.helidon.dbclient.DbTransaction;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;

import dev.courier.platform.db.DataAccessException;
import dev.courier.platform.db.Database;

/**
 * Stats' data access: Helidon's DB Client (JDBC) with the named statements of
 * {@code dev/courier/stats/statements.yaml}, over the service's one connection pool (the platform's
 * HikariCP pool, which migrations and the readiness check use too, so there is no second pool to
 * size). Failures come out as {@link DataAccessException}, as from every other store, so an outage
 * answers 503 and the consumer retries its batch.
 */
public final class StatsDb {

    private static final DbStatements STATEMENTS = DbStatements.create(
            Config.just(ConfigSources.classpath("dev/courier/stats/statements.yaml")).get("statements"));

    private final DbClient client;

    private StatsDb(DbClient client) {
        this.client = client;
    }

    public static StatsDb over(Database db) {
        JdbcConnectionPool pool = () -> {
            try {
                return db.dataSource().getConnection();
            } catch (SQLException e) {
                throw new DbClientException("No connection from the pool", e);
            }
        };
        return new StatsDb(JdbcClientBuilder.create().statements(STATEMENTS).connectionPool(pool).build());
    }

    /** Statements in autocommit mode, each on a connection of its own. */
    public <T> T execute(Function<DbExecute, T> work) {
        try {
            return work.apply(client.execute());
        } catch (DbClientException e) {
            throw translate(e);
        }
    }

    /** Work inside one read-committed transaction: committed on return, rolled back on any exception. */
    public <T> T inTransaction(Function<DbTransaction, T> work) {
        DbTransaction tx = client.transaction();
        T result;
        try {
            result = work.apply(tx);
        } catch (RuntimeException | Error e) {
            // Whatever ends the work, the transaction ends here: its connection and row locks go back.
            try {
                tx.rollback();
            } catch (RuntimeException rollback) {
                // A connection the server cut cannot roll back: keep the first failure, which says why.
                e.addSuppressed(rollback);
            }
            if (e instanceof DbClientException d) {
                throw translate(d);
            }
            throw e;
        }
        try {
            tx.commit();
        } catch (DbClientException e) {
            throw translate(e);
        }
        return result;
    }

    /** A numeric column as a long (PostgreSQL's {@code sum(bigint)} is a numeric). */
    public static long number(DbRow row, int column) {
        return ((Number) row.column(column).get()).longValue();
    }

    private static RuntimeException translate(DbClientException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return new DataAccessException(sql);
            }
        }
        return e;
    }
}

package dev.courier.platform.db;

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

/**
 * Helidon's DB Client (JDBC) with a service's named statements (the {@code statements} node of a
 * classpath YAML file beside its code), over the service's one connection pool (the platform's
 * HikariCP pool, which migrations and the readiness check use too, so there is no second pool to
 * size; {@code helidon-dbclient-hikari} would open another). Failures come out as
 * {@link DataAccessException}, as from raw JDBC, so an outage answers 503 and a consumer retries.
 */
public final class SqlClient {

    private final DbClient client;

    private SqlClient(DbClient client) {
        this.client = client;
    }

    /** A client with the statements of {@code statementsResource} (a classpath path, no leading slash). */
    public static SqlClient over(Database db, String statementsResource) {
        DbStatements statements = DbStatements.create(Config.just(ConfigSources.classpath(statementsResource)).get("statements"));
        JdbcConnectionPool pool = () -> {
            try {
                return db.dataSource().getConnection();
            } catch (SQLException e) {
                throw new DbClientException("No connection from the pool", e);
            }
        };
        return new SqlClient(JdbcClientBuilder.create().statements(statements).connectionPool(pool).build());
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
        return row.column(column).get(Number.class).longValue();
    }

    /** The database's own error (SQL state, constraint) behind a client failure, if there is one. */
    public static java.util.Optional<SQLException> cause(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return java.util.Optional.of(sql);
            }
        }
        return java.util.Optional.empty();
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

package dev.courier.platform.http;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

import dev.courier.platform.db.DataAccessException;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

class ProblemsTest {

    @Test
    void anExhaustedConnectionPoolIsA503WithRetryAfter() {
        ProblemException p = Problems.overloaded(new DataAccessException(new SQLTransientConnectionException("pool timed out")));
        assertThat(p.problem().status(), is(503));
        assertThat(p.retryAfter().toSeconds(), is(1L));
    }

    @Test
    void otherDatabaseErrorsStayInternalErrors() {
        assertThat(Problems.overloaded(new DataAccessException(new SQLException("syntax error", "42601"))), is(nullValue()));
    }
}

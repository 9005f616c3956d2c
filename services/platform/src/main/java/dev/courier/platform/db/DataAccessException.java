package dev.courier.platform.db;

import java.sql.SQLException;

/** An unchecked wrapper for SQL failures, keeping the SQL state for callers that branch on it. */
public class DataAccessException extends RuntimeException {

    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }

    /** PostgreSQL's unique_violation. */
    public boolean isUniqueViolation() {
        return "23505".equals(sqlState());
    }
}

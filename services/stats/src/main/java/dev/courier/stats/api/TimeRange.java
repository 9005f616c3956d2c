package dev.courier.stats.api;

import io.helidon.webserver.http.ServerRequest;

import dev.courier.platform.http.Params;
import dev.courier.platform.http.ProblemException;

/**
 * A query's {@code [since, to)} in Unix seconds: {@code since} inclusive, {@code to} exclusive,
 * both required, {@code 0 <= since <= to <= }{@value #MAX_TIME} (year 10000).
 */
record TimeRange(long since, long to) {

    static final long MAX_TIME = 253_402_300_800L;
    static final long DAY = 86_400;
    /** Counts: ranges of up to 100 years (36,525 days). */
    static final long MAX_COUNT_RANGE = 36_525 * DAY;
    /** Busiest senders/chats: ranges of up to 31 days (they scan every subject's buckets). */
    static final long MAX_TOP_RANGE = 31 * DAY;

    static TimeRange parse(ServerRequest req, long maxLength) {
        long since = nonNegative("since", Params.requiredLong(req, "since"));
        long to = nonNegative("to", Params.requiredLong(req, "to"));
        if (to > MAX_TIME) {
            throw ProblemException.badField("to", "'to' must be at most " + MAX_TIME + " (year 10000).");
        }
        if (since > to) {
            throw ProblemException.badField("since", "'since' must not be after 'to'.");
        }
        if (to - since > maxLength) {
            throw ProblemException.badField("to", "The range from 'since' to 'to' must be at most "
                    + maxLength + " seconds (" + maxLength / DAY + " days).");
        }
        return new TimeRange(since, to);
    }

    /**
     * Busiest lists rank every user or chat, so they are answered from whole UTC days of counters
     * only: both ends must be multiples of 86400.
     */
    TimeRange wholeDays() {
        if (since % DAY != 0) {
            throw ProblemException.badField("since", "'since' must be the start of a UTC day (a multiple of 86400) here.");
        }
        if (to % DAY != 0) {
            throw ProblemException.badField("to", "'to' must be the start of a UTC day (a multiple of 86400) here.");
        }
        return this;
    }

    private static long nonNegative(String name, long v) {
        if (v < 0) {
            throw ProblemException.badField(name, "'" + name + "' must be a Unix time in seconds, not negative.");
        }
        return v;
    }
}

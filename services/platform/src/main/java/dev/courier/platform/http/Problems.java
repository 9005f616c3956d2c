package dev.courier.platform.http;

import java.lang.System.Logger.Level;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.db.DataAccessException;

/** Maps every failure to an RFC 9457 body, once per service. */
public final class Problems {

    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    private Problems() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.error(ProblemException.class, (req, res, e) -> send(res, e.problem(), e));
        routing.error(HttpException.class, (req, res, e) -> {
            int code = e.status().code();
            if (code < 400) {
                // Not an error: Helidon's static content answers a conditional GET by throwing 304
                // Not Modified, which must go out without a body (with one, Helidon sends a 500).
                res.status(e.status()).send();
                return;
            }
            send(res, Problem.of(code, e.status().reasonPhrase(), code >= 500 ? "Unexpected error." : e.getMessage()), null);
        });
        routing.error(DataAccessException.class, (req, res, e) -> {
            ProblemException overload = overloaded(e);
            if (overload != null) {
                send(res, overload.problem(), overload);
                return;
            }
            LOG.log(Level.ERROR, "Database error on " + req.prologue().method() + " " + req.path().path(), e);
            send(res, Problem.of(500, "Internal error", "Unexpected error; it has been logged."), null);
        });
        routing.error(Exception.class, (req, res, e) -> {
            LOG.log(Level.ERROR, "Unhandled error on " + req.prologue().method() + " " + req.path().path(), e);
            send(res, Problem.of(500, "Internal error", "Unexpected error; it has been logged."), null);
        });
    }

    /**
     * Every pooled connection stayed busy for the pool's timeout: the service is overloaded, not
     * broken. 503 with Retry-After lets clients back off and retry (sends are idempotent by clientId).
     */
    static ProblemException overloaded(DataAccessException e) {
        if (e.getCause() instanceof java.sql.SQLTransientConnectionException) {
            return new ProblemException(Problem.of(503, "Service unavailable", "The service is overloaded; retry shortly."),
                    java.time.Duration.ofSeconds(1));
        }
        return null;
    }

    public static void send(ServerResponse res, Problem problem, ProblemException cause) {
        res.status(Status.create(problem.status()));
        res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (cause != null && cause.retryAfter() != null) {
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(Math.max(1, cause.retryAfter().toSeconds())));
        }
        res.send(Json.write(problem));
    }
}

package dev.courier.platform.http;

import java.lang.System.Logger.Level;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.db.DataAccessException;

/** Maps every failure to an RFC 9457 body, once per service. */
public final class Problems {

    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    private Problems() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.addFilter(Problems::checkRequest);
        routing.error(ProblemException.class, (req, res, e) -> send(res, e.problem(), e));
        routing.error(HttpException.class, (req, res, e) -> {
            int code = e.status().code();
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
     * Refuses, before any route, what no route can handle and what would otherwise reach
     * PostgreSQL as an error (a 500): a NUL character or an unpaired surrogate in the path or a
     * query parameter, and a Content-Length that is not a non-negative number.
     */
    private static void checkRequest(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Problem bad = null;
        String path = req.path().path();
        if (StrictText.problem(path) != null) {
            bad = Problem.of(400, "Bad request", "The path " + StrictText.problem(path) + ".");
        }
        for (String name : req.query().names()) {
            if (bad != null) {
                break;
            }
            String wrong = StrictText.problem(name);
            if (wrong != null) {
                bad = Problem.of(400, "Bad request", "A query parameter's name " + wrong + ".");
                break;
            }
            for (String value : req.query().all(name)) {
                wrong = StrictText.problem(value);
                if (wrong != null) {
                    bad = Problem.field(400, name, "Query parameter '" + name + "' " + wrong + ".");
                    break;
                }
            }
        }
        var length = req.headers().first(HeaderNames.CONTENT_LENGTH);
        if (bad == null && length.isPresent() && !length.get().trim().matches("[0-9]{1,18}")) {
            bad = Problem.of(400, "Bad request", "Content-Length must be a non-negative integer.");
        }
        // Answers about a user are not kept by caches (shared or the browser's), and no page of ours
        // tells another site where the user was.
        if (path.startsWith("/api/")) {
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
        }
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        if (bad != null) {
            // The body was not read: do not let the connection carry on after it.
            res.header(HeaderNames.CONNECTION, "close");
            send(res, bad, null);
            return;
        }
        chain.proceed();
    }

    /**
     * Answers Helidon gives before any route (a malformed request line or header, a chunk size that
     * is not hex, an over-long URL or header block) as problem+json too, with Helidon's status.
     */
    public static DirectHandlers directHandlers() {
        DirectHandler handler = (request, event, status, headers, message) -> {
            headers.set(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
            String detail = status.code() >= 500 || message == null || message.isBlank() ? status.reasonPhrase() : message;
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .entity(Json.write(Problem.of(status.code(), status.reasonPhrase(), detail.length() > 200 ? detail.substring(0, 200) : detail)))
                    .build();
        };
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            b.addHandler(type, handler);
        }
        return b.build();
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

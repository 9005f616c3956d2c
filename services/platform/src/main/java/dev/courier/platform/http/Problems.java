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
            if (code < 400) {
                // Not an error: Helidon's static content answers a conditional GET by throwing 304
                // Not Modified, which must go out without a body (with one, Helidon sends a 500).
                res.status(e.status()).send();
                return;
            }
            send(res, Problem.of(code, e.status().reasonPhrase(), code >= 500 ? "Unexpected error." : e.getMessage()), null);
        });
        routing.error(Exception.class, (req, res, e) -> {
            ProblemException outage = outage(e);
            if (outage != null) {
                LOG.log(Level.WARNING, outage.problem().dependency() + " unavailable on " + req.prologue().method() + " "
                        + req.path().path() + ": " + e.getMessage());
                send(res, outage.problem(), outage);
                return;
            }
            LOG.log(Level.ERROR, "Unhandled error on " + req.prologue().method() + " " + req.path().path(), e);
            send(res, Problem.of(500, "Internal error", "Unexpected error; it has been logged."), null);
        });
    }

    /**
     * Refuses, before any route, what no route can handle and what would otherwise reach
     * PostgreSQL as an error (a 500): a NUL character or an unpaired surrogate in the path or a
     * query parameter, and a Content-Length that is not a non-negative number.
     */
    /** The policy of every answer but the web app's pages (which set their own). */
    public static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";

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
        // tells another site where the user was. Seed paths outside /api/ are authenticated by the
        // same headers. A route that serves a page or a public document sets its own values.
        if (path.startsWith("/api/") || req.headers().contains(HeaderNames.AUTHORIZATION) || req.headers().contains(HeaderNames.COOKIE)) {
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
        }
        // An API answer is data, never a document: nothing in it may load, run or be framed.
        res.header(HeaderNames.create("Content-Security-Policy"), API_CSP);
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
     * A failure that says a backing server is away or the pool is exhausted rather than a bug:
     * 503 with Retry-After naming the dependency, so clients back off and retry (sends are
     * idempotent by clientId). Looks through wrappers, since a failure may surface inside another
     * exception. Null for anything else.
     */
    public static ProblemException outage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProblemException p && p.problem().status() == 503) {
                return p;
            }
            if (t instanceof DataAccessException d) {
                ProblemException p = overloaded(d);
                if (p != null) {
                    return p;
                }
            }
            if (t instanceof redis.clients.jedis.exceptions.JedisConnectionException
                    || t instanceof redis.clients.jedis.exceptions.JedisException && t.getCause() instanceof java.util.NoSuchElementException) {
                return new ProblemException(Problem.unavailable("redis", "Redis is unavailable; retry shortly."), RETRY_AFTER);
            }
            if (t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return new ProblemException(Problem.unavailable("kafka", "Kafka is unavailable; retry shortly."), RETRY_AFTER);
            }
        }
        return null;
    }

    private static final java.time.Duration RETRY_AFTER = java.time.Duration.ofSeconds(2);

    /**
     * PostgreSQL cannot be reached (connection refused, a connection cut by a restart, the server
     * shutting down or starting up): the database is down. Every pooled connection stayed busy for
     * the pool's wait without such a cause: the service is overloaded, not broken. Both are 503 with
     * Retry-After; anything else is null.
     */
    static ProblemException overloaded(DataAccessException e) {
        if (unreachable(e.getCause())) {
            return new ProblemException(Problem.unavailable("postgresql", "PostgreSQL is unavailable; retry shortly."), RETRY_AFTER);
        }
        if (e.getCause() instanceof java.sql.SQLTransientConnectionException) {
            return new ProblemException(Problem.unavailable("postgresql", "The service is overloaded; retry shortly."),
                    java.time.Duration.ofSeconds(1));
        }
        return null;
    }

    /** SQL state class 08 (connection exception) or 57P01-03 (shutdown, crash, cannot connect now), anywhere in the chain. */
    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P0"))) {
                return true;
            }
            if (t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    public static void send(ServerResponse res, Problem problem, ProblemException cause) {
        res.status(Status.create(problem.status()));
        res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        // An error handler answers with fresh headers: the filter's are set again here.
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.create("Content-Security-Policy"), API_CSP);
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        if (cause != null && cause.retryAfter() != null) {
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(Math.max(1, (cause.retryAfter().toMillis() + 999) / 1000)));
        }
        res.send(Json.write(problem));
    }
}

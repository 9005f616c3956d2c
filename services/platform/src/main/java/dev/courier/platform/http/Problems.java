package dev.courier.platform.http;

import java.lang.System.Logger.Level;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;

/** Maps every failure to an RFC 9457 body, once per service. */
public final class Problems {

    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    private Problems() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.error(ProblemException.class, (req, res, e) -> send(res, e.problem(), e));
        routing.error(HttpException.class, (req, res, e) -> {
            int code = e.status().code();
            send(res, Problem.of(code, e.status().reasonPhrase(), code >= 500 ? "Unexpected error." : e.getMessage()), null);
        });
        routing.error(Exception.class, (req, res, e) -> {
            LOG.log(Level.ERROR, "Unhandled error on " + req.prologue().method() + " " + req.path().path(), e);
            send(res, Problem.of(500, "Internal error", "Unexpected error; it has been logged."), null);
        });
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

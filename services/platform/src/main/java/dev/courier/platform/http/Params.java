package dev.courier.platform.http;

import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;

/** Query and path parameters with 400s that name the parameter. */
public final class Params {

    private Params() {
    }

    public static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional();
    }

    public static long requiredLong(ServerRequest req, String name) {
        return query(req, name).map(v -> parseLong(name, v))
                .orElseThrow(() -> ProblemException.badField(name, "Query parameter '" + name + "' is required."));
    }

    public static Optional<Long> optionalLong(ServerRequest req, String name) {
        return query(req, name).map(v -> parseLong(name, v));
    }

    public static long pathLong(ServerRequest req, String name) {
        return parseLong(name, req.path().pathParameters().get(name));
    }

    public static int limit(ServerRequest req, String name, int dflt, int max) {
        long v = optionalLong(req, name).orElse((long) dflt);
        if (v < 1 || v > max) {
            throw ProblemException.badField(name, "'" + name + "' must be between 1 and " + max + ".");
        }
        return (int) v;
    }

    public static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException | NullPointerException e) {
            throw ProblemException.badField(name, "'" + name + "' must be an integer.");
        }
    }

    /** Ids are positive 64-bit integers. */
    public static long positiveId(String name, String value) {
        long id = parseLong(name, value);
        if (id <= 0) {
            throw ProblemException.badField(name, "'" + name + "' must be a positive integer.");
        }
        return id;
    }
}

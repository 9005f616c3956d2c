package dev.courier.platform.http;

import java.time.Duration;

/**
 * Thrown by handlers and domain code to answer with a problem+json response. Mapped once per
 * service by {@link Problems#register}.
 */
public class ProblemException extends RuntimeException {

    private final Problem problem;
    private final Duration retryAfter;

    public ProblemException(Problem problem) {
        this(problem, null);
    }

    public ProblemException(Problem problem, Duration retryAfter) {
        super(problem.title() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public Problem problem() {
        return problem;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** 400 naming the invalid field. */
    public static ProblemException badField(String field, String detail) {
        return new ProblemException(Problem.field(400, field, detail));
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.of(400, "Bad request", detail));
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(Problem.of(401, "Unauthorized", detail));
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.of(403, "Forbidden", detail));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "Not found", detail));
    }

    public static ProblemException conflict(String field, String detail) {
        return new ProblemException(new Problem("https://courier.dev/problems/conflict", "Conflict", 409, detail, field, null));
    }

    public static ProblemException tooManyRequests(Duration retryAfter) {
        return new ProblemException(Problem.of(429, "Too many requests", "Slow down and retry later."), retryAfter);
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(Problem.of(503, "Service unavailable", detail));
    }
}

package dev.courier.platform.http;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail. {@code field} names the offending input (a JSON pointer-like dotted
 * path or a query parameter) so a client can show the error next to the right control;
 * {@code dependency} names the backing server ({@code postgresql}, {@code redis}, {@code kafka})
 * whose outage a 503 reports.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type,
                      String title,
                      int status,
                      String detail,
                      String field,
                      List<FieldError> errors,
                      String dependency) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem(String type, String title, int status, String detail, String field, List<FieldError> errors) {
        this(type, title, status, detail, field, errors, null);
    }

    /** 503: a backing server is unreachable; the request changed nothing and can be retried. */
    public static Problem unavailable(String dependency, String detail) {
        return new Problem("https://courier.dev/problems/dependency-unavailable", "Service unavailable", 503, detail, null, null, dependency);
    }

    /** One of several invalid fields. */
    public record FieldError(String field, String detail) {
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, null);
    }

    public static Problem field(int status, String field, String detail) {
        return new Problem("https://courier.dev/problems/invalid-field", "Invalid request", status, detail, field, null);
    }
}

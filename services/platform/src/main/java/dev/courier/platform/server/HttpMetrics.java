package dev.courier.platform.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;

/**
 * {@code http_server_requests_seconds}: a histogram of every public request's duration by method,
 * route and status, so latency can be aggregated across pods (a summary's quantiles cannot).
 * Helidon 4.1.2 does not tell a filter which route matched, so the route is the path with its
 * variable parts folded: {@code /api/v1/<resource>} for the API (ids below it are the same route),
 * the whole path for the few fixed seed paths, and {@code unmatched} for a 404, which keeps the
 * series bounded whatever paths clients try.
 */
final class HttpMetrics {

    static final String NAME = "http.server.requests";

    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    private static final Pattern ID = Pattern.compile("[0-9]+|[0-9a-fA-F-]{32,36}|[A-Za-z0-9_-]{20,}");

    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    Filter filter() {
        return (chain, req, res) -> {
            long start = System.nanoTime();
            // An exception leaves the response unsent: its status is the one the error handler will send.
            int status = 500;
            try {
                chain.proceed();
                status = res.status().code();
            } catch (io.helidon.http.HttpException e) {
                status = e.status().code();
                throw e;
            } catch (dev.courier.platform.http.ProblemException e) {
                status = e.problem().status();
                throw e;
            } finally {
                String route = status == 404 ? "unmatched" : route(req.path().path());
                String method = req.prologue().method().text();
                timer(method, route, status).record(Duration.ofNanos(System.nanoTime() - start));
            }
        };
    }

    static String route(String path) {
        String[] parts = path.split("/");
        if (parts.length > 3 && parts[1].equals("api")) {
            return "/" + parts[1] + "/" + parts[2] + "/" + parts[3];
        }
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < parts.length && i <= 3; i++) {
            b.append('/').append(ID.matcher(parts[i]).matches() ? "{id}" : parts[i]);
        }
        return b.isEmpty() ? "/" : b.toString();
    }

    private Timer timer(String method, String route, int status) {
        return timers.computeIfAbsent(method + ' ' + route + ' ' + status, k -> Metrics.globalRegistry().getOrCreate(
                Timer.builder(NAME)
                        .description("Duration of HTTP requests on the service port, by method, route and status")
                        .tags(List.of(Tag.create("method", method), Tag.create("route", route),
                                Tag.create("status", Integer.toString(status))))
                        .buckets(BUCKETS)));
    }
}

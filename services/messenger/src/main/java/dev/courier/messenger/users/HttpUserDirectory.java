package dev.courier.messenger.users;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.courier.platform.http.ProblemException;

/**
 * Asks auth's {@code GET /api/v1/users/{id}}: 200 means the user exists, 404 that it does not.
 * Users are never reused, so a positive answer is cached (bounded).
 */
public final class HttpUserDirectory implements UserDirectory {

    private static final System.Logger LOG = System.getLogger(HttpUserDirectory.class.getName());
    private static final int CACHE_LIMIT = 100_000;

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Map<Long, Boolean> known = new ConcurrentHashMap<>();

    public HttpUserDirectory(String authBaseUrl) {
        this.base = authBaseUrl.endsWith("/") ? authBaseUrl.substring(0, authBaseUrl.length() - 1) : authBaseUrl;
    }

    @Override
    public boolean exists(long userId, String bearer) {
        if (known.containsKey(userId)) {
            return true;
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/api/v1/users/" + userId))
                .timeout(Duration.ofSeconds(5)).GET();
        if (bearer != null) {
            req.header("Authorization", "Bearer " + bearer);
        }
        int status;
        try {
            status = http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.WARNING, "Cannot ask auth about user " + userId + ": " + e);
            throw ProblemException.unavailable("The user directory cannot be reached; retry later.");
        }
        if (status == 200) {
            if (known.size() >= CACHE_LIMIT) {
                known.clear();
            }
            known.put(userId, Boolean.TRUE);
            return true;
        }
        if (status == 404) {
            return false;
        }
        LOG.log(Level.WARNING, "Auth answered " + status + " about user " + userId);
        throw ProblemException.unavailable("The user directory cannot answer; retry later.");
    }
}

package dev.courier.notifier.users;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.courier.platform.http.Json;

/**
 * Users from auth's HTTP API ({@code GET <courier.auth.url>/api/v1/users/{id}}), cached for a minute
 * because a busy room asks for the same sender again and again.
 */
public final class HttpUsers implements Users {

    private static final System.Logger LOG = System.getLogger(HttpUsers.class.getName());
    private static final Duration CACHE = Duration.ofMinutes(1);

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Map<Long, Cached> cache = new ConcurrentHashMap<>();

    public HttpUsers(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Profile(long id, String username, String displayName, String email) {
    }

    private record Cached(UserInfo user, long at) {
    }

    @Override
    public Map<Long, UserInfo> find(Collection<Long> ids) {
        Map<Long, UserInfo> out = new LinkedHashMap<>();
        long now = System.nanoTime();
        for (Long id : ids) {
            Cached c = cache.get(id);
            if (c != null && now - c.at() < CACHE.toNanos()) {
                out.put(id, c.user());
                continue;
            }
            UserInfo u = fetch(id);
            if (u != null) {
                cache.put(id, new Cached(u, now));
                out.put(id, u);
            }
        }
        return out;
    }

    private UserInfo fetch(long id) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/users/" + id))
                .timeout(Duration.ofSeconds(5)).GET().build();
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                return null;
            }
            Profile p = Json.MAPPER.readerFor(Profile.class)
                    .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .readValue(r.body());
            return new UserInfo(id, p.username(), p.displayName(), p.email());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot look up user {0} at {1}: {2}", id, base, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

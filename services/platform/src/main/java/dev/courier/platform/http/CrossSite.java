package dev.courier.platform.http;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Method;

/**
 * Refuses requests a browser makes on another site's behalf with the user's cookies (CSRF, and
 * cross-site WebSocket hijacking). A browser names the page's origin in {@code Origin} on every
 * write and WebSocket upgrade, and says {@code Sec-Fetch-Site}; a request is same-origin when its
 * {@code Origin} has the request's own host (the {@code Host} header) or is one of the allowed
 * origins ({@code courier.http.allowedorigins}, comma-separated, e.g. a web app on another host),
 * or, without {@code Origin}, when {@code Sec-Fetch-Site} is absent, {@code same-origin} or
 * {@code none}. Clients that are not browsers send neither and are not affected; bearer tokens
 * are never sent by a browser on its own, so only cookie-authenticated requests are checked.
 */
public final class CrossSite {

    private static volatile Set<String> allowed = Set.of();

    private CrossSite() {
    }

    /** Sets the allowed origins besides the request's own host, from {@code courier.http.allowedorigins}. */
    public static void allow(String commaSeparated) {
        allowed = Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a cookie-authenticated request with these headers may act (reads are always allowed). */
    public static boolean allowed(Method method, Headers headers) {
        if (method == Method.GET || method == Method.HEAD || method == Method.OPTIONS) {
            return true;
        }
        return sameOrigin(headers);
    }

    /** Whether the request (or WebSocket upgrade) comes from a page of this site or from no page at all. */
    public static boolean sameOrigin(Headers headers) {
        Optional<String> origin = headers.first(HeaderNames.ORIGIN);
        if (origin.isPresent()) {
            String o = origin.get().strip().toLowerCase(Locale.ROOT);
            if (allowed.contains(o)) {
                return true;
            }
            String host = headers.first(HeaderNames.HOST).orElse("").strip().toLowerCase(Locale.ROOT);
            try {
                URI u = URI.create(o);
                String authority = u.getRawAuthority();
                return authority != null && !host.isEmpty() && authority.equals(host);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        String site = headers.first(HeaderNames.create("Sec-Fetch-Site")).orElse("none").strip().toLowerCase(Locale.ROOT);
        return site.equals("same-origin") || site.equals("none");
    }
}

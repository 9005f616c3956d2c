package dev.courier.web;

import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The headers every file of the app carries. The Content-Security-Policy allows scripts, styles,
 * workers and connections (fetch and the WebSocket) from this origin only, no inline script or
 * style, no plugins, and no framing ({@code frame-ancestors 'none'}, against clickjacking).
 * Vendored libraries live under a path that names their version, so they are cached for a year;
 * everything else is revalidated on every load (ETag / Last-Modified), so a deploy shows at once.
 */
record Headers(String csp, String referrerPolicy) {

    static final String DEFAULT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    static Headers from(Config web) {
        return new Headers(web.get("csp").asString().filter(s -> !s.isBlank()).orElse(DEFAULT_CSP),
                web.get("referrerpolicy").asString().orElse("no-referrer"));
    }

    /** Sets the headers, then lets the next route (the file or the page) answer. */
    void apply(ServerRequest req, ServerResponse res) {
        set(res, req.path().path().startsWith("/app/vendor/") ? "public, max-age=31536000, immutable" : "no-cache");
        res.next();
    }

    void set(ServerResponse res, String cacheControl) {
        res.header("Content-Security-Policy", csp);
        res.header("Referrer-Policy", referrerPolicy);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("X-Frame-Options", "DENY");
        res.header("Cross-Origin-Opener-Policy", "same-origin");
        res.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        res.header(HeaderNames.CACHE_CONTROL, cacheControl);
        res.header(HeaderNames.VARY, "Accept-Encoding");
    }
}

package dev.courier.auth.web;

import java.time.Duration;

import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.platform.security.TokenVerifier;

/** The browser's tokens: HttpOnly, SameSite=Strict, Secure when the client came over TLS. */
public final class Cookies {

    public static final String ACCESS = TokenVerifier.ACCESS_COOKIE;
    public static final String REFRESH = "courier_refresh";
    /** The refresh cookie goes only to auth's own endpoints. */
    public static final String REFRESH_PATH = "/api/v1/auth";

    private Cookies() {
    }

    public static void set(ServerResponse res, boolean secure, String access, Duration accessTtl, String refresh, Duration refreshTtl) {
        res.headers().addCookie(cookie(ACCESS, access, "/", accessTtl, secure));
        res.headers().addCookie(cookie(REFRESH, refresh, REFRESH_PATH, refreshTtl, secure));
    }

    public static void clear(ServerResponse res, boolean secure) {
        res.headers().addCookie(cookie(ACCESS, "", "/", Duration.ZERO, secure));
        res.headers().addCookie(cookie(REFRESH, "", REFRESH_PATH, Duration.ZERO, secure));
    }

    private static SetCookie cookie(String name, String value, String path, Duration maxAge, boolean secure) {
        return SetCookie.builder(name, value).path(path).maxAge(maxAge).httpOnly(true).secure(secure)
                .sameSite(SetCookie.SameSite.STRICT).build();
    }
}

package dev.courier.auth.web;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * Who is calling, from the socket; X-Forwarded-For and X-Forwarded-Proto are honoured only behind a
 * trusted proxy (courier.auth.trustproxy), since anyone can send them.
 */
public final class ClientInfo {

    private static final HeaderName FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private static final HeaderName FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");

    private final boolean trustProxy;

    public ClientInfo(boolean trustProxy) {
        this.trustProxy = trustProxy;
    }

    public String address(ServerRequest req) {
        if (trustProxy) {
            var forwarded = req.headers().first(FORWARDED_FOR);
            if (forwarded.isPresent()) {
                // The proxy appends the address it saw last; the left-most is the original client.
                String first = forwarded.get().split(",")[0].strip();
                if (!first.isEmpty() && first.length() <= 64) {
                    return first;
                }
            }
        }
        return req.remotePeer().host();
    }

    public boolean secure(ServerRequest req) {
        return req.isSecure() || (trustProxy && req.headers().first(FORWARDED_PROTO).map("https"::equalsIgnoreCase).orElse(false));
    }

    public static String userAgent(ServerRequest req) {
        String ua = req.headers().first(HeaderNames.USER_AGENT).orElse("");
        return ua.length() > 256 ? ua.substring(0, 256) : ua;
    }
}

package dev.courier.notifier.email;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.courier.notifier.preferences.PreferenceStore;
import dev.courier.platform.http.ProblemException;

/**
 * {@code /api/v1/notifications/unsubscribe?token=...}: GET shows a confirmation button (link
 * scanners follow GETs, so a GET changes nothing), POST turns email off; mail clients POST
 * directly (RFC 8058 one-click).
 */
public final class UnsubscribeService implements HttpService {

    private final UnsubscribeTokens tokens;
    private final PreferenceStore preferences;

    public UnsubscribeService(UnsubscribeTokens tokens, PreferenceStore preferences) {
        this.tokens = tokens;
        this.preferences = preferences;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::confirm).post("/", this::unsubscribe);
    }

    private void confirm(ServerRequest req, ServerResponse res) {
        String token = req.query().first("token").orElse("");
        user(token);
        // Only a verified token gets here, but the page never trusts what the URL carried: encoded
        // for the query (a '+' stays a '+') and escaped for the attribute.
        html(res, "<form method=\"post\" action=\"?token=" + escape(URLEncoder.encode(token, StandardCharsets.UTF_8))
                + "\"><p>Stop email notifications from Courier?</p>"
                + "<button type=\"submit\">Unsubscribe</button></form>");
    }

    private void unsubscribe(ServerRequest req, ServerResponse res) {
        long userId = user(req.query().first("token").orElse(""));
        preferences.disableEmail(userId);
        res.status(Status.OK_200);
        html(res, "<p>You will not get email notifications any more. You can turn them on again in the app's settings.</p>");
    }

    private long user(String token) {
        OptionalLong user = tokens.verify(token);
        if (user.isEmpty()) {
            throw ProblemException.badField("token", "The unsubscribe link is invalid.");
        }
        return user.getAsLong();
    }

    /** HTML-escapes text for an element or a quoted attribute. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static void html(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");
        res.send("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Courier</title></head><body>"
                + body + "</body></html>");
    }
}

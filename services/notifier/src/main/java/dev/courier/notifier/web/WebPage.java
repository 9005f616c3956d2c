package dev.courier.notifier.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The static web page (plain HTML, CSS and JS modules from {@code web/} on the classpath): {@code /},
 * its assets under {@code /app/}, and {@code /sw.js}, the service worker, which must live at the
 * root to control the whole origin. Unknown {@code /app/...} paths (such as {@code /app/chats/7},
 * where a notification click lands) get the page itself.
 */
public final class WebPage {

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=UTF-8",
            "js", "text/javascript; charset=UTF-8",
            "css", "text/css; charset=UTF-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png");

    public void routing(HttpRouting.Builder routing) {
        routing.get("/", (req, res) -> serve(res, "web/index.html"))
                .get("/sw.js", (req, res) -> {
                    res.header("Service-Worker-Allowed", "/");
                    serve(res, "web/sw.js");
                })
                .get("/app/*", this::app);
    }

    private void app(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        String rel = path.substring("/app/".length());
        if (!rel.contains("..") && rel.matches("[A-Za-z0-9_./-]+\\.(js|css|svg|png|json)") && exists("web/app/" + rel)) {
            serve(res, "web/app/" + rel);
        } else {
            serve(res, "web/index.html");
        }
    }

    private static boolean exists(String name) {
        return WebPage.class.getClassLoader().getResource(name) != null;
    }

    private static void serve(ServerResponse res, String name) {
        try (InputStream in = WebPage.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                res.status(Status.NOT_FOUND_404).send();
                return;
            }
            String ext = name.substring(name.lastIndexOf('.') + 1);
            res.header(HeaderNames.CONTENT_TYPE, TYPES.getOrDefault(ext, "application/octet-stream"));
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            res.header("X-Content-Type-Options", "nosniff");
            res.send(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

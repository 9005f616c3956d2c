package dev.courier.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The two files served outside {@code /app}: the page itself and the service worker, read once. */
final class Pages {

    private final Headers headers;
    private final byte[] index = read("web/index.html");
    private final byte[] serviceWorker = read("web/sw.js");

    Pages(Headers headers) {
        this.headers = headers;
    }

    void index(ServerRequest req, ServerResponse res) {
        headers.set(res, "no-cache");
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");
        res.send(index);
    }

    /**
     * A path under /app that is no file: a route of the app (its page), unless it names a file
     * (a missing module or style answers 404, not a page the browser would refuse as a script).
     */
    void route(ServerRequest req, ServerResponse res) {
        String last = req.path().path().substring(req.path().path().lastIndexOf('/') + 1);
        if (last.contains(".")) {
            headers.set(res, "no-cache");
            res.status(Status.NOT_FOUND_404).send();
            return;
        }
        index(req, res);
    }

    void serviceWorker(ServerRequest req, ServerResponse res) {
        headers.set(res, "no-cache");
        res.header(HeaderNames.CONTENT_TYPE, "text/javascript; charset=UTF-8");
        res.header("Service-Worker-Allowed", "/");
        res.send(serviceWorker);
    }

    private static byte[] read(String name) {
        try (InputStream in = Pages.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

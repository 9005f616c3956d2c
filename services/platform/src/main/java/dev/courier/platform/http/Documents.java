package dev.courier.platform.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;

/** The services' hand-written API documents (OpenAPI, AsyncAPI): loaded once, served as YAML. */
public final class Documents {

    private Documents() {
    }

    /**
     * A classpath resource, named as for {@link Class#getResourceAsStream}: relative to the
     * anchor's package, or absolute with a leading slash. A missing one fails at start.
     */
    public static byte[] load(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + name + " beside " + anchor.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Handler yaml(byte[] document) {
        return (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(document);
        };
    }
}

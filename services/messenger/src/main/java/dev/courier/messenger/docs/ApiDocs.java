package dev.courier.messenger.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;

/**
 * The hand-written API documents, served on the service's own port and its management port:
 * {@code /openapi} (OpenAPI 3.1, REST; served by Helidon's OpenAPI feature from {@link #OPENAPI})
 * and {@code /asyncapi} (AsyncAPI 3, the WebSocket protocol and the Kafka events). Helidon has no
 * AsyncAPI support, so that one is a static file sent as it is.
 */
public final class ApiDocs {

    /** The OpenAPI document's classpath resource. */
    public static final String OPENAPI = "dev/courier/messenger/docs/openapi.yaml";

    private final byte[] asyncapi = load("/asyncapi.yaml");

    public void register(HttpRouting.Builder routing) {
        routing.get("/asyncapi", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(asyncapi);
        });
    }

    private static byte[] load(String name) {
        try (InputStream in = ApiDocs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

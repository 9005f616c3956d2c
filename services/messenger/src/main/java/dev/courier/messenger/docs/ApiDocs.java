package dev.courier.messenger.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;

/**
 * The hand-written API documents, served on the service's own port: {@code /openapi} (OpenAPI
 * 3.1, REST) and {@code /asyncapi} (AsyncAPI 3, the WebSocket protocol and the Kafka events).
 */
public final class ApiDocs {

    private final byte[] openapi = load(ApiDocs.class, "openapi.yaml");
    private final byte[] asyncapi = load(ApiDocs.class, "/asyncapi.yaml");

    public void register(HttpRouting.Builder routing) {
        routing.get("/openapi", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(openapi);
        });
        routing.get("/asyncapi", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(asyncapi);
        });
    }

    static byte[] load(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

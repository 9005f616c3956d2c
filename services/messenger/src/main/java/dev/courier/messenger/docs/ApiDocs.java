package dev.courier.messenger.docs;

import dev.courier.platform.http.Documents;

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

    private final byte[] openapi = Documents.load(ApiDocs.class, "openapi.yaml");
    private final byte[] asyncapi = Documents.load(ApiDocs.class, "/asyncapi.yaml");

    public void register(HttpRouting.Builder routing) {
        routing.get("/openapi", Documents.yaml(openapi));
        routing.get("/asyncapi", Documents.yaml(asyncapi));
    }

}

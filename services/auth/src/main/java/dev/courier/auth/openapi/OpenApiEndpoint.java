package dev.courier.auth.openapi;

import dev.courier.platform.http.Documents;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;

import dev.courier.auth.web.RouteTable;

/** {@code /openapi}: the hand-written OpenAPI 3.1 document, held in step with the routes by a test. */
public final class OpenApiEndpoint {

    private final byte[] document;

    public OpenApiEndpoint() {
        document = Documents.load(OpenApiEndpoint.class, "openapi.yaml");
    }

    public void routing(HttpRouting.Builder r, RouteTable t) {
        t.add(r, Method.GET, "/openapi", Documents.yaml(document));
    }
}

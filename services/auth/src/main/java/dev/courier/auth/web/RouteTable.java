package dev.courier.auth.web;

import java.util.ArrayList;
import java.util.List;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;

/**
 * Registers routes and remembers them, so a test can hold the OpenAPI document against exactly
 * what the server routes.
 */
public final class RouteTable {

    private final List<Route> routes = new ArrayList<>();

    public RouteTable add(HttpRouting.Builder routing, Method method, String path, Handler handler) {
        routing.route(method, path, handler);
        routes.add(new Route(method.text(), path));
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** A method and a path pattern in OpenAPI's syntax ({@code /api/v1/users/{id}}). */
    public record Route(String method, String path) {
    }
}

package dev.courier.platform.server;

import java.util.List;
import java.util.Optional;

import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;

/**
 * One Courier service, wired and ready to serve. The service's own {@code Main} serves it alone;
 * the devstack serves the public routes of all four behind one port, as the ingress does.
 */
public interface CourierApp extends AutoCloseable {

    /** Short name: {@code auth}, {@code messenger}, {@code notifier}, {@code stats}. */
    String name();

    /** The HTTP routes of this service (public API, compatibility routes, internal endpoints). */
    void routing(HttpRouting.Builder routing);

    /**
     * Routes served only on the service's own port, never through the shared gateway or ingress
     * path routing: internal endpoints, other documents than {@link #openApiDocument()}.
     */
    default void ownRouting(HttpRouting.Builder routing) {
    }

    /**
     * The service's OpenAPI document: a classpath resource (no leading slash, unique across the
     * services, as the devstack runs them in one JVM), served by Helidon's OpenAPI feature at
     * {@code /openapi} on the service's own port and its management port, never behind the gateway.
     */
    default Optional<String> openApiDocument() {
        return Optional.empty();
    }

    /** WebSocket endpoints, if any. */
    default void websocket(WsRouting.Builder ws) {
    }

    /**
     * Public gRPC services for clients (seed 002's), served on the service's own public gRPC listener
     * and, in the devstack, together on the gateway's gRPC port, as the ingress routes them by path.
     */
    default List<io.grpc.ServerServiceDefinition> publicGrpc() {
        return List.of();
    }

    /** Anything only the service's own server has, such as a gRPC listener. */
    default void server(WebServerConfig.Builder server) {
    }

    /** Readiness checks of the servers this service needs. */
    List<HealthCheck> healthChecks();

    /** Starts background work (relays, consumers) once the server is up. */
    default void start() {
    }

    /**
     * The first step of a graceful stop, before the server stops accepting: tell long-lived
     * clients (WebSockets) to reconnect elsewhere. Then the server stops and {@link #close()} runs.
     */
    default void drain() {
    }

    /** Stops background work and closes connections; in-flight work is finished first. */
    @Override
    void close();
}

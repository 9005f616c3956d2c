package dev.courier.devstack;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.openapi.OpenApiFeature;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.websocket.WsRouting;

import dev.courier.platform.http.Problem;
import dev.courier.platform.http.Problems;
import dev.courier.platform.server.CourierApp;
import dev.courier.platform.server.Servers;

/**
 * One origin for the browser: the public paths of every service on one port, routed by the same
 * table as the Kubernetes ingress (charts/courier/templates/ingress.yaml): an {@code Exact} path
 * matches itself only, a {@code Prefix} path matches itself and everything below it. A path in no
 * service's table is 404 here, as at the ingress: nothing reaches a service's /health, /metrics or
 * /openapi, which only its own port serves.
 */
final class Gateway {

    static final String GRPC_SOCKET = "grpc";

    /** A public path of one service. */
    record Route(String path, boolean prefix) {

        boolean matches(String requested) {
            return requested.equals(path) || prefix && requested.startsWith(path.endsWith("/") ? path : path + "/");
        }
    }

    /** The ingress's table, service by service. */
    static final Map<String, List<Route>> ROUTES = routes();

    private Gateway() {
    }

    private static Map<String, List<Route>> routes() {
        Map<String, List<Route>> r = new LinkedHashMap<>();
        r.put("auth", List.of(prefix("/api/v1/auth"), prefix("/api/v1/users"), exact("/.well-known/jwks.json"),
                exact("/register"), exact("/auth"), exact("/login"), prefix("/profile"), exact("/change-name"), exact("/users/register")));
        r.put("messenger", List.of(prefix("/api/v1/chats"), prefix("/api/v1/rooms"), prefix("/api/v1/messages"),
                prefix("/api/v1/sync"), exact("/send"), exact("/chat"), exact("/chats"), exact("/ws"), exact("/create-room"),
                exact("/join"), exact("/invite"), exact("/rooms"), prefix("/room"), prefix("/messages")));
        r.put("stats", List.of(prefix("/api/v1/stats"), exact("/MessagesReceived"), exact("/MessagesReceivedByUser"),
                exact("/MessagesSentByUser")));
        r.put("notifier", List.of(prefix("/api/v1/push"), prefix("/api/v1/notifications")));
        r.put("web", List.of(exact("/"), prefix("/app"), exact("/sw.js")));
        return Map.copyOf(r);
    }

    private static Route exact(String path) {
        return new Route(path, false);
    }

    private static Route prefix(String path) {
        return new Route(path, true);
    }

    /** The service whose table has {@code path}, if any. */
    static Optional<String> serviceOf(String path) {
        return ROUTES.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(r -> r.matches(path)))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    static WebServer start(int port, List<CourierApp> apps) {
        WsRouting.Builder ws = WsRouting.builder();
        apps.forEach(app -> app.websocket(ws));
        var builder = WebServer.builder();
        Servers.http1AndWebSocketOnly(builder);
        // helidon-openapi on the classpath registers itself on every server; the gateway has no document.
        builder.addFeature(OpenApiFeature.builder().isEnabled(false).build());
        WebServer server = builder
                .host("127.0.0.1")
                .port(port)
                .routing(routing -> {
                    Problems.register(routing);
                    routing.addFilter((chain, req, res) -> {
                        Optional<String> owner = serviceOf(req.path().path());
                        if (owner.isEmpty()) {
                            Problems.send(res, Problem.of(404, "Not Found", "No service serves " + req.path().path() + " on the public port."), null);
                            return;
                        }
                        chain.proceed();
                    });
                    // Each service's routes, reachable only through the paths its table lists.
                    apps.forEach(app -> app.routing(routing));
                })
                .addRouting(ws)
                // Seed 002's public gRPC services of every app on one port beside the public one (COURIER_PORT + 1000).
                .putSocket(GRPC_SOCKET, socket -> {
                    var grpc = GrpcRouting.builder();
                    apps.forEach(app -> app.publicGrpc().forEach(grpc::service));
                    socket.host("127.0.0.1").port(port == 0 ? 0 : port + 1000).addRouting(grpc);
                })
                .build()
                .start();
        if (!server.isRunning()) {
            server.stop();
            throw new IllegalStateException("Cannot start the gateway on port " + port + ": the port is in use (set COURIER_PORT).");
        }
        return server;
    }
}

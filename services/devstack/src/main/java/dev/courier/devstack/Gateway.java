package dev.courier.devstack;

import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.websocket.WsRouting;

import dev.courier.platform.http.Problems;
import dev.courier.platform.server.CourierApp;
import dev.courier.platform.server.Servers;

/**
 * One origin for the browser: every service's public routes on one port. The services' paths are
 * disjoint by design, exactly as the ingress routes them to separate pods in Kubernetes.
 */
final class Gateway {

    static final String GRPC_SOCKET = "grpc";

    private Gateway() {
    }

    static WebServer start(int port, List<CourierApp> apps) {
        WsRouting.Builder ws = WsRouting.builder();
        apps.forEach(app -> app.websocket(ws));
        var builder = WebServer.builder();
        Servers.http1AndWebSocketOnly(builder);
        WebServer server = builder
                .host("127.0.0.1")
                .port(port)
                .routing(routing -> {
                    Problems.register(routing);
                    apps.forEach(app -> app.routing(routing));
                    // When no service serves "/", say what is here.
                    routing.get("/", (req, res) -> {
                        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
                        res.send("Courier is running. API under /api/v1; WebSocket at /ws.\n");
                    });
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

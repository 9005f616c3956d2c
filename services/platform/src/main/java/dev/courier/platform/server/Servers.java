package dev.courier.platform.server;

import java.lang.System.Logger.Level;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.webserver.websocket.WsRouting;

import dev.courier.platform.http.Problems;

/** Builds and starts a service's web server: its routes, problem+json errors, /health and /metrics. */
public final class Servers {

    private static final System.Logger LOG = System.getLogger(Servers.class.getName());

    private Servers() {
    }

    /** Wires {@code app} into a server builder; tests reuse it through {@code @SetUpServer}. */
    public static void setup(WebServerConfig.Builder server, CourierApp app) {
        server.routing(routing -> {
            Problems.register(routing);
            app.ownRouting(routing);
            app.routing(routing);
        });
        WsRouting.Builder ws = WsRouting.builder();
        app.websocket(ws);
        server.addRouting(ws);
        server.addFeature(observe(app));
        http1AndWebSocketOnly(server);
        app.server(server);
    }

    /**
     * Limits a public socket to HTTP/1.1 and WebSocket upgrades, and makes the answers Helidon gives
     * before routing (malformed framing, an over-long URL) problem+json like every other error. With helidon-webserver-http2 on the
     * classpath (auth's gRPC brings it, and the devstack runs every service in one JVM) Helidon would
     * also accept h2c upgrades, and 4.1.2 breaks an upgraded request that has a body: the JDK
     * HttpClient, which tries h2c by default, then fails every POST. gRPC listeners are configured
     * separately and keep HTTP/2.
     */
    public static void http1AndWebSocketOnly(WebServerConfig.Builder server) {
        server.directHandlers(Problems.directHandlers());
        server.protocolsDiscoverServices(false)
                .protocols(java.util.List.of(io.helidon.webserver.http1.Http1Config.create(),
                        io.helidon.webserver.websocket.WsConfig.create()));
    }

    /** {@code /health} (with {@code /health/live}, {@code /health/ready}) and {@code /metrics} in Prometheus format. */
    public static ObserveFeature observe(CourierApp app) {
        var health = HealthObserver.builder().details(true).useSystemServices(false);
        app.healthChecks().forEach(health::addCheck);
        return ObserveFeature.builder()
                .endpoint("/")
                .addObserver(health.build())
                .addObserver(MetricsObserver.create())
                .build();
    }

    /**
     * A service's {@code main}: builds the app and starts it, or prints one clear line and exits 1
     * when a backing server cannot be reached or the port is taken.
     */
    public static void main(Config config, java.util.function.Function<Config, CourierApp> factory) {
        CourierApp app;
        WebServer server;
        try {
            app = factory.apply(config);
            server = start(config, app);
        } catch (RuntimeException e) {
            System.err.println("courier: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.drain();
            server.stop();
            app.close();
        }, app.name() + "-shutdown"));
    }

    /**
     * Starts a service from its configuration: the server from {@code server}, then its background
     * work. A failure to bind (a port in use) is reported in one line. The caller stops the server
     * and then closes the app.
     */
    public static WebServer start(Config config, CourierApp app) {
        dev.courier.platform.http.CrossSite.allow(config.get("courier.http.allowedorigins").asString().orElse(""));
        WebServerConfig.Builder builder = WebServer.builder().config(config.get("server"));
        setup(builder, app);
        WebServer server;
        int port = config.get("server.port").asInt().orElse(8080);
        try {
            server = builder.build().start();
        } catch (RuntimeException e) {
            app.close();
            throw new IllegalStateException("Cannot start " + app.name() + " on port " + port + ": " + e.getMessage(), e);
        }
        // Helidon logs a failed bind (a port in use) and returns a server that is not running.
        if (!server.isRunning()) {
            server.stop();
            app.close();
            throw new IllegalStateException("Cannot start " + app.name() + " on port " + port + ": the port is in use or cannot be bound.");
        }
        app.start();
        LOG.log(Level.INFO, "{0} is up on http://localhost:{1}", app.name(), String.valueOf(server.port()));
        return server;
    }
}

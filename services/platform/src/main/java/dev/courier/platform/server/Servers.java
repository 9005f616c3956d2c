package dev.courier.platform.server;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.common.socket.SocketOptions;
import io.helidon.config.Config;
import io.helidon.openapi.OpenApiFeature;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.webserver.websocket.WsRouting;

import dev.courier.platform.http.Problems;

/**
 * Builds, starts and stops a service's web server. The service port serves the app's routes; a
 * second socket, {@value #MANAGEMENT}, serves {@code /health}, {@code /metrics}, the app's own
 * routes and its OpenAPI document ({@code /openapi}), so an ingress that routes only the service
 * port can never expose them.
 */
public final class Servers {

    /** Name of the management socket (Helidon named socket). */
    public static final String MANAGEMENT = "management";

    private static final System.Logger LOG = System.getLogger(Servers.class.getName());
    /** One per JVM: the devstack's services share the registry, as their metrics do. */
    private static final HttpMetrics HTTP_METRICS = new HttpMetrics();

    private Servers() {
    }

    /** Wires {@code app} into a server builder (with a management socket on a free port if none is configured). */
    public static void setup(WebServerConfig.Builder server, CourierApp app) {
        setup(server, app, new Shutdown(), Duration.ofSeconds(20), true, HeaderDeadline.DEFAULT);
    }

    static void setup(WebServerConfig.Builder server, CourierApp app, Shutdown shutdown, Duration grace, boolean noDelay,
                      Duration headerTimeout) {
        if (!server.sockets().containsKey(MANAGEMENT)) {
            server.putSocket(MANAGEMENT, l -> l.host(server.host()).port(0));
        }
        server.routing(routing -> {
            Problems.register(routing);
            routing.addFilter(shutdown.filter());
            routing.addFilter(HTTP_METRICS.filter());
            app.ownRouting(routing);
            app.routing(routing);
        });
        server.routing(MANAGEMENT, routing -> {
            Problems.register(routing);
            app.ownRouting(routing);
        });
        WsRouting.Builder ws = WsRouting.builder();
        app.websocket(ws);
        server.addRouting(ws);
        server.addFeature(observe(app, shutdown));
        server.addFeature(openApi(app));
        http1AndWebSocketOnly(server, headerTimeout);
        app.server(server);
        tune(server, grace, noDelay);
    }

    /**
     * Every socket: TCP_NODELAY (without it Nagle's algorithm holds a small WebSocket frame, such as
     * a send's ack, until the peer's delayed ACK, about 40 ms), and a shutdown grace period long
     * enough for in-flight requests to finish (Helidon's default is half a second). Helidon's own key
     * {@code server.connection-options.tcp-no-delay: false} turns Nagle back on (the benchmark's
     * "before").
     */
    private static void tune(WebServerConfig.Builder server, Duration grace, boolean noDelay) {
        server.connectionOptions(noDelay(server.connectionOptions().orElse(null), noDelay));
        server.shutdownGracePeriod(grace);
        Map<String, ListenerConfig> sockets = new LinkedHashMap<>(server.sockets());
        sockets.forEach((name, l) -> server.putSocket(name, ListenerConfig.builder().from(l)
                .connectionOptions(noDelay(l.connectionOptions(), noDelay))
                .shutdownGracePeriod(grace)
                .build()));
    }

    private static SocketOptions noDelay(SocketOptions options, boolean noDelay) {
        SocketOptions.Builder b = SocketOptions.builder();
        if (options != null) {
            b.from(options);
        }
        return b.tcpNoDelay(noDelay).build();
    }

    /**
     * Limits a public socket to HTTP/1.1 and WebSocket upgrades, and makes the answers Helidon gives
     * before routing (malformed framing, an over-long URL) problem+json like every other error. With helidon-webserver-http2 on the
     * classpath (auth's gRPC brings it, and the devstack runs every service in one JVM) Helidon would
     * also accept h2c upgrades, and 4.1.2 breaks an upgraded request that has a body: the JDK
     * HttpClient, which tries h2c by default, then fails every POST. gRPC listeners are configured
     * separately and keep HTTP/2. Every public socket also gets TCP_NODELAY here, so the devstack's
     * gateway, which builds its own server, has it too (see {@link #tune}).
     */
    public static void http1AndWebSocketOnly(WebServerConfig.Builder server) {
        http1AndWebSocketOnly(server, HeaderDeadline.DEFAULT);
    }

    /** The same, cutting a request whose headers take longer than {@code headerTimeout} after its request line ({@link HeaderDeadline}). */
    public static void http1AndWebSocketOnly(WebServerConfig.Builder server, Duration headerTimeout) {
        server.directHandlers(Problems.directHandlers());
        server.protocolsDiscoverServices(false)
                .protocols(java.util.List.of(io.helidon.webserver.http1.Http1Config.builder()
                                .addReceiveListener(new HeaderDeadline(headerTimeout)).build(),
                        io.helidon.webserver.websocket.WsConfig.create()));
        server.connectionOptions(noDelay(server.connectionOptions().orElse(null), true));
    }

    /**
     * {@code /openapi} on the service's own port and its management port: the app's static document,
     * as YAML ({@code application/vnd.oai.openapi}, also without an {@code Accept}) or JSON as the
     * client asks ({@code Accept}, or {@code ?format=json|yaml}). An app without a document gets the
     * feature disabled, so the copy Helidon would discover on the classpath does not answer.
     */
    static OpenApiFeature openApi(CourierApp app) {
        Optional<String> document = app.openApiDocument();
        if (document.isEmpty()) {
            return OpenApiFeature.builder().isEnabled(false).build();
        }
        // Helidon logs a missing file and serves an empty document; a missing one is a build mistake.
        if (Thread.currentThread().getContextClassLoader().getResource(document.get()) == null) {
            throw new IllegalStateException("Missing OpenAPI document " + document.get() + " of " + app.name());
        }
        return OpenApiFeature.builder()
                .staticFile(document.get())
                .sockets(java.util.Set.of(WebServer.DEFAULT_SOCKET_NAME, MANAGEMENT))
                .build();
    }

    /**
     * On the management socket: {@code /health/live} (the process answers: no dependency in it, so a
     * dependency's outage never restarts pods), {@code /health/ready} (the app's readiness checks,
     * DOWN while shutting down) and {@code /metrics} in Prometheus format.
     */
    static ObserveFeature observe(CourierApp app, Shutdown shutdown) {
        var health = HealthObserver.builder().details(true).useSystemServices(false);
        app.healthChecks().forEach(health::addCheck);
        health.addCheck(shutdown.readiness());
        return ObserveFeature.builder()
                .endpoint("/")
                .sockets(List.of(MANAGEMENT))
                .addObserver(health.build())
                .addObserver(MetricsObserver.create())
                .build();
    }

    /**
     * A service's {@code main}: builds the app and starts it, or prints one clear line and exits 1
     * when a backing server cannot be reached or the port is taken. On SIGTERM it stops in order
     * (see {@link #stop}); Helidon's own shutdown hook is off, as it would stop the server while the
     * app still drains.
     */
    public static void main(Config config, java.util.function.Function<Config, CourierApp> factory) {
        CourierApp app;
        WebServer server;
        Shutdown shutdown = new Shutdown();
        try {
            app = factory.apply(config);
            server = start(config, app, shutdown);
        } catch (RuntimeException e) {
            System.err.println("courier: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, app, shutdown), app.name() + "-shutdown"));
    }

    /**
     * Stops a service without dropping a request: readiness turns DOWN and every response closes its
     * connection (clients stop reusing this pod); long-lived clients are told to reconnect elsewhere
     * ({@link CourierApp#drain()}); the server stops accepting, closes idle connections and waits up to
     * the grace period ({@code courier.shutdown.graceseconds}) for requests in flight; then the app
     * finishes its background work.
     */
    static void stop(WebServer server, CourierApp app, Shutdown shutdown) {
        long started = System.nanoTime();
        shutdown.begin();
        try {
            app.drain();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, app.name() + ": draining failed", e);
        }
        server.stop();
        app.close();
        LOG.log(Level.INFO, "{0} stopped in {1} ms", app.name(), String.valueOf((System.nanoTime() - started) / 1_000_000));
    }

    /**
     * Starts a service from its configuration: the server from {@code server}, the management socket
     * on {@code courier.management.port} (a free port when {@code server.port} is 0, as in tests),
     * then its background work. A failure to bind (a port in use) is reported in one line. The caller
     * stops the server and then closes the app.
     */
    public static WebServer start(Config config, CourierApp app) {
        return start(config, app, new Shutdown());
    }

    static WebServer start(Config config, CourierApp app, Shutdown shutdown) {
        dev.courier.platform.http.CrossSite.allow(config.get("courier.http.allowedorigins").asString().orElse(""));
        WebServerConfig.Builder builder = WebServer.builder().config(config.get("server")).shutdownHook(false);
        int port = config.get("server.port").asInt().orElse(8080);
        int management = port == 0 ? 0 : config.get("courier.management.port").asInt().orElse(0);
        builder.putSocket(MANAGEMENT, l -> l.host(builder.host()).port(management));
        setup(builder, app, shutdown, Duration.ofSeconds(config.get("courier.shutdown.graceseconds").asInt().orElse(20)),
                config.get("server.connection-options.tcp-no-delay").asBoolean().orElse(true),
                Duration.ofSeconds(config.get("courier.http.headertimeoutseconds").asInt().orElse((int) HeaderDeadline.DEFAULT.toSeconds())));
        WebServer server;
        try {
            server = builder.build().start();
        } catch (RuntimeException e) {
            app.close();
            throw new IllegalStateException("Cannot start " + app.name() + " on port " + port + ": " + e.getMessage(), e);
        }
        // Helidon logs a failed bind (a port in use) and returns a server that is not running.
        if (!server.isRunning() || server.port(MANAGEMENT) <= 0) {
            server.stop();
            app.close();
            throw new IllegalStateException("Cannot start " + app.name() + " on port " + port + " (management " + management
                    + "): the port is in use or cannot be bound.");
        }
        app.start();
        LOG.log(Level.INFO, "{0} is up on http://localhost:{1} (health and metrics on port {2})", app.name(),
                String.valueOf(server.port()), String.valueOf(server.port(MANAGEMENT)));
        return server;
    }
}

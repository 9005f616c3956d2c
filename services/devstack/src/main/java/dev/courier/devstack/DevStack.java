package dev.courier.devstack;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import dev.courier.auth.AuthApp;
import dev.courier.infra.Endpoints;
import dev.courier.messenger.MessengerApp;
import dev.courier.notifier.NotifierApp;
import dev.courier.platform.config.Configs;
import dev.courier.platform.server.CourierApp;
import dev.courier.platform.server.Servers;
import dev.courier.stats.StatsApp;
import dev.courier.web.WebApp;

/**
 * The four services and the web app in one JVM, each on its own port with its own /health and
 * /metrics, plus one gateway port that serves their public routes by path, as the Kubernetes ingress does.
 */
public final class DevStack implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DevStack.class.getName());

    private final List<CourierApp> apps = new ArrayList<>();
    private final Map<String, WebServer> servers = new LinkedHashMap<>();
    private WebServer gateway;

    private DevStack() {
    }

    /**
     * @param infra       where PostgreSQL, Redis, Kafka and SMTP listen
     * @param gatewayPort the one public port (0 for any free port)
     * @param servicePort the first of five consecutive service ports: auth, messenger, stats, notifier, web (0 for free ports)
     * @param extra       configuration overrides for every service
     */
    public static DevStack start(Endpoints infra, int gatewayPort, int servicePort, Map<String, String> extra) {
        DevStack stack = new DevStack();
        try {
            Map<String, String> common = new HashMap<>(infra.config());
            common.putAll(extra);
            // auth first: the others verify its tokens through its JWKS and look users up over its gRPC.
            Map<String, String> authConfig = new HashMap<>(common);
            authConfig.put("courier.auth.grpc.port", Integer.toString(servicePort == 0 ? 0 : servicePort + 1000));
            authConfig.put("courier.auth.publicgrpc.port", Integer.toString(servicePort == 0 ? 0 : servicePort + 1100));
            // Fresh UserDirectory credentials per run, one per calling service (only the notifier sees emails).
            String messengerCredential = java.util.UUID.randomUUID().toString();
            String notifierCredential = java.util.UUID.randomUUID().toString();
            authConfig.putIfAbsent("courier.auth.grpc.clients.messenger.credential", messengerCredential);
            authConfig.putIfAbsent("courier.auth.grpc.clients.notifier.credential", notifierCredential);
            int auth = stack.startService("auth", AuthApp.class, AuthApp::create, authConfig, servicePort);
            common.put("courier.auth.jwks", "http://127.0.0.1:" + auth + "/.well-known/jwks.json");
            common.put("courier.auth.url", "http://127.0.0.1:" + auth);
            common.put("courier.auth.grpc", "127.0.0.1:" + stack.servers.get("auth").port(AuthApp.GRPC_SOCKET));
            Map<String, String> messengerConfig = new HashMap<>(common);
            messengerConfig.put("courier.messenger.publicgrpc.port", Integer.toString(servicePort == 0 ? 0 : servicePort + 1101));
            messengerConfig.putIfAbsent("courier.auth.directorycredential", authConfig.get("courier.auth.grpc.clients.messenger.credential"));
            Map<String, String> notifierConfig = new HashMap<>(common);
            notifierConfig.putIfAbsent("courier.auth.directorycredential", authConfig.get("courier.auth.grpc.clients.notifier.credential"));
            int messenger = stack.startService("messenger", MessengerApp.class, MessengerApp::create, messengerConfig, next(servicePort, 1));
            // The notifier asks messenger, as the caller, whether a chat to mute is the caller's.
            notifierConfig.putIfAbsent("courier.messenger.url", "http://127.0.0.1:" + messenger);
            stack.startService("stats", StatsApp.class, StatsApp::create, common, next(servicePort, 2));
            stack.startService("notifier", NotifierApp.class, NotifierApp::create, notifierConfig, next(servicePort, 3));
            stack.startService("web", WebApp.class, WebApp::create, common, next(servicePort, 4));
            stack.gateway = Gateway.start(gatewayPort, stack.apps);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public int gatewayPort() {
        return gateway.port();
    }

    /** The gateway's gRPC port: seed 002's public gRPC services (users and messages) together. */
    public int gatewayGrpcPort() {
        return gateway.port(Gateway.GRPC_SOCKET);
    }

    /** The port of one service's own server (its health, metrics and internal endpoints). */
    public int port(String service) {
        return servers.get(service).port();
    }

    /** The port of one service's management socket: /health, /metrics, /openapi. */
    public int managementPort(String service) {
        return servers.get(service).port(Servers.MANAGEMENT);
    }

    public Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        servers.forEach((name, server) -> ports.put(name, server.port()));
        return ports;
    }

    private int startService(String name, Class<?> anchor, Function<Config, CourierApp> factory,
                             Map<String, String> common, int port) {
        Map<String, String> overrides = new HashMap<>(common);
        overrides.put("server.port", Integer.toString(port));
        overrides.put("server.host", "127.0.0.1");
        overrides.put("courier.management.port", Integer.toString(port == 0 ? 0 : port + 100));
        Config config = Configs.load(anchor, overrides);
        CourierApp app = factory.apply(config);
        apps.add(app);
        WebServer server = Servers.start(config, app);
        servers.put(name, server);
        return server.port();
    }

    private static int next(int base, int offset) {
        return base == 0 ? 0 : base + offset;
    }

    /** Stops taking traffic, then stops each service (finishing in-flight work), newest first. */
    @Override
    public void close() {
        for (CourierApp app : apps) {
            app.drain();
        }
        if (gateway != null) {
            gateway.stop();
        }
        List<String> names = new ArrayList<>(servers.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            servers.get(names.get(i)).stop();
        }
        for (int i = apps.size() - 1; i >= 0; i--) {
            try {
                apps.get(i).close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Closing " + apps.get(i).name() + " failed", e);
            }
        }
    }
}

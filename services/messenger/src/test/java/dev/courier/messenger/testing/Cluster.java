package dev.courier.messenger.testing;

import dev.courier.platform.testing.Http;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import dev.courier.auth.AuthApp;
import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;
import dev.courier.messenger.MessengerApp;
import dev.courier.platform.config.Configs;
import dev.courier.platform.server.Servers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The real system for messenger's tests, started once per JVM: the shared PostgreSQL, Redis and
 * Kafka, the real auth service (users are registered and logged in over its HTTP API), and
 * messenger instances on free ports. Every test uses fresh users, so tests do not interfere.
 */
public final class Cluster {

    private static Endpoints infra;
    /** messenger's credential for auth's UserDirectory in these tests. */
    private static final String DIRECTORY_CREDENTIAL = "test-messenger-" + UUID.randomUUID();
    private static int authPort;
    private static int authGrpcPort;
    private static int authPublicGrpcPort;
    private static Node a;
    private static Node b;

    private Cluster() {
    }

    /** A running messenger instance. */
    public record Node(MessengerApp app, WebServer server, Http http) {

        public int port() {
            return server.port();
        }

        public String ws() {
            return "ws://127.0.0.1:" + server.port() + "/ws";
        }

        /** Health and metrics: the management port, never the public one. */
        public Http management() {
            return Http.port(server.port(dev.courier.platform.server.Servers.MANAGEMENT));
        }

        public void stop() {
            app.drain();
            server.stop();
            app.close();
        }
    }

    public static synchronized Endpoints infra() {
        if (infra == null) {
            infra = LocalStack.shared();
            Map<String, String> cfg = new HashMap<>(infra.config());
            cfg.put("server.port", "0");
            cfg.put("server.host", "127.0.0.1");
            cfg.put("courier.auth.grpc.port", "0");
            cfg.put("courier.auth.grpc.clients.messenger.credential", DIRECTORY_CREDENTIAL);
            // Every test registers from 127.0.0.1 against one shared Redis: lift the per-address limits.
            for (String action : new String[] {"register", "login"}) {
                cfg.put("courier.auth.ratelimit." + action + ".address", "1000000");
                cfg.put("courier.auth.ratelimit." + action + ".account", "1000000");
            }
            Config config = Configs.load(AuthApp.class, cfg);
            AuthApp auth = AuthApp.create(config);
            WebServer server = Servers.start(config, auth);
            authPort = server.port();
            authGrpcPort = server.port(AuthApp.GRPC_SOCKET);
            authPublicGrpcPort = server.port(AuthApp.PUBLIC_GRPC_SOCKET);
        }
        return infra;
    }

    /** The first messenger instance, shared by the tests. */
    public static synchronized Node a() {
        if (a == null) {
            a = startMessenger(Map.of());
        }
        return a;
    }

    /** A second instance on the same stack, for cross-replica delivery. */
    public static synchronized Node b() {
        if (b == null) {
            b = startMessenger(Map.of());
        }
        return b;
    }

    /** A messenger instance of the caller's own (stopped by the caller), with config overrides. */
    public static Node startMessenger(Map<String, String> overrides) {
        Endpoints e = infra();
        Map<String, String> cfg = new HashMap<>(e.config());
        cfg.put("server.port", "0");
        cfg.put("server.host", "127.0.0.1");
        cfg.put("courier.auth.jwks", "http://127.0.0.1:" + authPort + "/.well-known/jwks.json");
        cfg.put("courier.auth.url", "http://127.0.0.1:" + authPort);
        cfg.put("courier.auth.grpc", "127.0.0.1:" + authGrpcPort);
        cfg.put("courier.auth.directorycredential", DIRECTORY_CREDENTIAL);
        cfg.put("courier.messenger.outbox.pollmillis", "100");
        cfg.put("courier.messenger.outbox.maxbackoffmillis", "1000");
        // Tests look at the outbox rows their sends wrote, after the relay published them too.
        cfg.put("courier.messenger.outbox.keepsentseconds", "3600");
        cfg.putAll(overrides);
        Config config = Configs.load(MessengerApp.class, cfg);
        MessengerApp app = MessengerApp.create(config);
        WebServer server = Servers.start(config, app);
        return new Node(app, server, Http.port(server.port()));
    }

    /**
     * A messenger in a JVM of its own (so a test can kill it with SIGKILL), on the shared stack.
     * Returns the process and its port once it answers.
     */
    public static Process startMessengerProcess(int port) throws java.io.IOException {
        Endpoints e = infra();
        ProcessBuilder pb = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.courier.messenger.Main");
        Map<String, String> env = pb.environment();
        e.config().forEach((k, v) -> env.put(k.replace('.', '_').toUpperCase(java.util.Locale.ROOT), v));
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("SERVER_HOST", "127.0.0.1");
        env.put("COURIER_AUTH_JWKS", "http://127.0.0.1:" + authPort + "/.well-known/jwks.json");
        env.put("COURIER_AUTH_URL", "http://127.0.0.1:" + authPort);
        env.put("COURIER_AUTH_GRPC", "127.0.0.1:" + authGrpcPort);
        env.put("COURIER_AUTH_DIRECTORYCREDENTIAL", DIRECTORY_CREDENTIAL);
        env.put("COURIER_MESSENGER_OUTBOX_POLLMILLIS", "100");
        env.put("COURIER_MANAGEMENT_PORT", "0");
        pb.redirectErrorStream(true).redirectOutput(java.nio.file.Path.of("target", "messenger-child-" + port + ".log").toFile());
        Process p = pb.start();
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            if (!p.isAlive()) {
                throw new IllegalStateException("The messenger process exited; see target/messenger-child-" + port + ".log");
            }
            try {
                if (Http.port(port).get("/openapi").status() == 200) {
                    return p;
                }
            } catch (IllegalStateException notYet) {
                // Not listening yet.
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ie);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("The messenger process did not come up in time");
    }

    public static int freePort() {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** A fresh user, registered and logged in through auth's HTTP API. */
    public static TestUser user() {
        return user("pw-" + UUID.randomUUID());
    }

    /** A fresh user with this password, registered and logged in through auth's HTTP API. */
    public static TestUser user(String password) {
        infra();
        Http auth = Http.port(authPort);
        String name = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        var reg = auth.post("/api/v1/auth/register", Map.of("username", name, "email", name + "@example.test", "password", password), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        var login = auth.post("/api/v1/auth/login", Map.of("login", name, "password", password), Map.of());
        assertThat(login.body(), login.status(), is(200));
        return new TestUser(reg.json().get("id").asLong(), name, login.json().get("accessToken").asText(), login.json().get("sessionId").asText());
    }

    public static Http auth() {
        infra();
        return Http.port(authPort);
    }

    /** Auth's public gRPC port (seed 002's users.UserService). */
    public static int authPublicGrpcPort() {
        infra();
        return authPublicGrpcPort;
    }

    /**
     * The JDBC URL of a database of its own on the shared PostgreSQL server, created if missing,
     * for an instance that must not share the outbox with the others (its own Kafka, say).
     */
    public static String privateDatabase(String name) throws SQLException {
        Endpoints e = infra();
        try (Connection c = DriverManager.getConnection(e.dbUrl(), e.dbUser(), e.dbPassword());
             var st = c.createStatement();
             var rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            if (!rs.next()) {
                st.execute("CREATE DATABASE " + name);
            }
        }
        return e.dbUrl().substring(0, e.dbUrl().lastIndexOf('/') + 1) + name;
    }

    /** A JDBC connection to the shared database with messenger's schema first. */
    public static Connection db() throws SQLException {
        Endpoints e = infra();
        Connection c = DriverManager.getConnection(e.dbUrl(), e.dbUser(), e.dbPassword());
        try (var st = c.createStatement()) {
            st.execute("SET search_path TO messenger");
        }
        return c;
    }
}

package dev.courier.loadtest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import dev.courier.auth.AuthApp;
import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;
import dev.courier.messenger.MessengerApp;
import dev.courier.platform.config.Configs;
import dev.courier.platform.server.CourierApp;
import dev.courier.platform.server.Servers;

/**
 * The system under test for the delivery benchmarks, in one JVM that can be pinned to a core with
 * {@code taskset}: auth and one or more messenger replicas on the benchmarks' own crash-safe
 * PostgreSQL, Redis and Kafka ({@code -Dcourier.test.home}, left running). Stats and notifier are
 * left out on purpose: they would spend the measured core on consuming the topic.
 *
 * <p>Usage: {@code BenchStack <authPort> [messengers=1]}: messengers listen on the next ports.
 * Prints the ports and {@code ready}, then runs until killed.
 */
public final class BenchStack {

    private BenchStack() {
    }

    public static void main(String[] args) throws InterruptedException {
        int authPort = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int messengers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        // Crash-safe PostgreSQL (fsync, synchronous commit, full-page writes) and Redis with its
        // append-only file, as production runs them: the sends figure is about durable sends, and
        // the test stack's fsync=off makes every commit nearly free, for pgbench's one-row
        // transactions most of all.
        Endpoints infra = LocalStack.dev(Path.of(System.getProperty("courier.test.home", ".courier/bench"))).start();
        Map<String, String> common = new HashMap<>(infra.config());
        common.putAll(Target.LOAD_TEST_CONFIG);
        common.put("courier.auth.grpc.port", "0");
        // The messengers' credential for auth's UserDirectory, fresh per run.
        String directoryCredential = java.util.UUID.randomUUID().toString();
        common.put("courier.auth.grpc.clients.messenger.credential", directoryCredential);
        common.put("courier.auth.directorycredential", directoryCredential);
        // Benchmark accounts are made once (two Argon2id hashes each) and their tokens reused across runs.
        common.put("courier.auth.access.ttlseconds", "7200");
        List<WebServer> servers = new ArrayList<>();
        List<CourierApp> apps = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (int i = servers.size() - 1; i >= 0; i--) {
                servers.get(i).stop();
                apps.get(i).close();
            }
        }, "bench-stack-shutdown"));
        int auth = start(AuthApp.class, AuthApp::create, common, authPort, servers, apps);
        System.out.println("auth=" + auth);
        common.put("courier.auth.jwks", "http://127.0.0.1:" + auth + "/.well-known/jwks.json");
        common.put("courier.auth.url", "http://127.0.0.1:" + auth);
        // The directory lookup that checks a direct chat's recipient goes to this auth's gRPC listener.
        common.put("courier.auth.grpc", "127.0.0.1:" + servers.get(0).port(AuthApp.GRPC_SOCKET));
        for (int i = 0; i < messengers; i++) {
            int port = start(MessengerApp.class, MessengerApp::create, common, authPort == 0 ? 0 : authPort + 1 + i, servers, apps);
            System.out.println("messenger" + (i + 1) + "=" + port);
        }
        System.out.println("ready");
        new CountDownLatch(1).await();
    }

    private static int start(Class<?> anchor, Function<Config, CourierApp> factory, Map<String, String> common, int port,
                             List<WebServer> servers, List<CourierApp> apps) {
        Map<String, String> overrides = new HashMap<>(common);
        overrides.put("server.port", Integer.toString(port));
        overrides.put("server.host", "127.0.0.1");
        Config config = Configs.load(anchor, overrides);
        CourierApp app = factory.apply(config);
        WebServer server = Servers.start(config, app);
        apps.add(app);
        servers.add(server);
        return server.port();
    }
}

package dev.courier.devstack;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.helidon.logging.common.LogConfig;

import dev.courier.infra.Endpoints;
import dev.courier.infra.InfraException;
import dev.courier.infra.LocalStack;

/**
 * {@code ./courier dev}: starts the real servers and the four services, prints where to go, and on
 * Ctrl-C stops everything it started (the data stays under {@code .courier/dev}).
 */
public final class DevStackMain {

    private DevStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LogConfig.configureRuntime();
        Path home = Path.of(System.getenv().getOrDefault("COURIER_HOME", ".courier/dev"));
        int port = Integer.parseInt(System.getenv().getOrDefault("COURIER_PORT", "8080"));
        int servicePort = Integer.parseInt(System.getenv().getOrDefault("COURIER_SERVICE_PORT", Integer.toString(port + 1)));
        LocalStack infra = LocalStack.dev(home);
        CountDownLatch stopped = new CountDownLatch(1);
        DevStack[] running = new DevStack[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping Courier...");
            if (running[0] != null) {
                running[0].close();
            }
            infra.stop();
            System.out.println("Stopped. Data is kept in " + infra.home());
            stopped.countDown();
        }, "devstack-shutdown"));
        try {
            long t0 = System.nanoTime();
            Endpoints endpoints = infra.start();
            running[0] = DevStack.start(endpoints, port, servicePort, Map.of());
            System.out.printf("%nCourier is up in %.1f s.%n%n  Open      http://localhost:%d/%n", (System.nanoTime() - t0) / 1e9, running[0].gatewayPort());
            System.out.printf("  gRPC      localhost:%d (seed 002's users.UserService and messages.MessageService, plain h2c)%n", running[0].gatewayGrpcPort());
            running[0].ports().forEach((name, p) -> System.out.printf("  %-9s http://localhost:%d/health%n", name, running[0].managementPort(name)));
            System.out.println();
            System.out.println(endpoints.toString().indent(2));
            System.out.println("Press Ctrl-C to stop.");
        } catch (InfraException | IllegalStateException e) {
            System.err.println("courier: " + e.getMessage());
            System.exit(1);
        } catch (RuntimeException | LinkageError e) {
            // Anything else is a bug; still exit (the hook stops what was started) instead of
            // leaving Kafka clients' threads holding the JVM open.
            e.printStackTrace();
            System.exit(1);
        }
        stopped.await();
    }
}

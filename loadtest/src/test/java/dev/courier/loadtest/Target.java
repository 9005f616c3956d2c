package dev.courier.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

import dev.courier.devstack.DevStack;
import dev.courier.infra.LocalStack;

/**
 * Where the simulations send their traffic: {@code -Dgatling.baseUrl} (the Kubernetes ingress, a
 * running {@code ./courier dev}), or, when it is empty, the whole system started in this JVM on the
 * shared test stack, so that {@code ./mvnw verify} on a fresh clone needs nothing running.
 */
public final class Target {

    /**
     * Settings for a system under load from one address: auth's per-address limits on sign-up and
     * login, and messenger's per-user limits on sends and sockets, exist against abuse and would
     * otherwise turn a load test into a test of the limiter.
     */
    public static final Map<String, String> LOAD_TEST_CONFIG = Map.of(
            "courier.auth.ratelimit.register.address", "100000000",
            "courier.auth.ratelimit.login.address", "100000000",
            // Closed-loop senders send as fast as the server answers; the benchmarks measure that.
            "courier.messenger.limits.send.user", "0",
            "courier.messenger.limits.sockets.user", "0",
            "courier.messenger.limits.sockets.address", "0");

    private final String baseUrl;
    private final int localPort;
    private DevStack stack;

    private Target(String baseUrl, int localPort) {
        this.baseUrl = baseUrl;
        this.localPort = localPort;
    }

    public static Target fromSystemProperties() {
        String url = System.getProperty("gatling.baseUrl", "").strip();
        if (!url.isEmpty()) {
            return new Target(url.endsWith("/") ? url.substring(0, url.length() - 1) : url, 0);
        }
        // Gatling builds the protocol (and so needs the URL) before its before() hook starts the stack.
        int port = freePort();
        return new Target("http://127.0.0.1:" + port, port);
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** ws:// or wss:// for the same origin. */
    public String wsBaseUrl() {
        return baseUrl.replaceFirst("^http", "ws");
    }

    public boolean inProcess() {
        return localPort != 0;
    }

    /** Starts the in-process system when no base URL was given. */
    public void start() {
        if (inProcess() && stack == null) {
            long t0 = System.nanoTime();
            stack = DevStack.start(LocalStack.shared(), localPort, 0, LOAD_TEST_CONFIG);
            System.out.printf("Courier started in-process at %s in %.1f s%n", baseUrl, (System.nanoTime() - t0) / 1e9);
        }
    }

    public void stop() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }
}

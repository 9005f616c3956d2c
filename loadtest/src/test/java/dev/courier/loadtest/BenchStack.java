package dev.courier.loadtest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import dev.courier.devstack.DevStack;
import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;
import dev.courier.messenger.MessengerApp;
import dev.courier.platform.config.Configs;
import dev.courier.platform.server.CourierApp;
import dev.courier.platform.server.Servers;

/**
 * The system under test for the benchmarks, in one JVM that can be pinned to a core with
 * {@code taskset}: the devstack on the shared test stack (which it leaves running), plus optional
 * extra messenger replicas on their own ports for the cross-replica measurement.
 *
 * <p>Usage: {@code BenchStack <gatewayPort> <firstServicePort> [extraMessengers]}; prints the ports, runs until killed.
 */
public final class BenchStack {

    private BenchStack() {
    }

    public static void main(String[] args) throws InterruptedException {
        int gateway = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int servicePort = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int extra = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Endpoints infra = LocalStack.shared();
        DevStack stack = DevStack.start(infra, gateway, servicePort, Target.LOAD_TEST_CONFIG);
        List<WebServer> replicas = new ArrayList<>();
        List<CourierApp> apps = new ArrayList<>();
        for (int i = 0; i < extra; i++) {
            Map<String, String> overrides = new HashMap<>(infra.config());
            overrides.putAll(Target.LOAD_TEST_CONFIG);
            overrides.put("courier.auth.jwks", "http://127.0.0.1:" + stack.port("auth") + "/.well-known/jwks.json");
            overrides.put("courier.auth.url", "http://127.0.0.1:" + stack.port("auth"));
            overrides.put("server.port", servicePort == 0 ? "0" : Integer.toString(servicePort + 4 + i));
            overrides.put("server.host", "127.0.0.1");
            Config config = Configs.load(MessengerApp.class, overrides);
            CourierApp app = MessengerApp.create(config);
            apps.add(app);
            replicas.add(Servers.start(config, app));
        }
        System.out.println("gateway=" + stack.gatewayPort());
        stack.ports().forEach((name, port) -> System.out.println(name + "=" + port));
        for (int i = 0; i < replicas.size(); i++) {
            System.out.println("messenger" + (i + 2) + "=" + replicas.get(i).port());
        }
        System.out.println("ready");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            replicas.forEach(WebServer::stop);
            apps.forEach(CourierApp::close);
            stack.close();
            stopped.countDown();
        }, "bench-stack-shutdown"));
        stopped.await();
    }
}

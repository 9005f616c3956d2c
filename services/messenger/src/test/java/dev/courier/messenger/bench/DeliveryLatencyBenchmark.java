package dev.courier.messenger.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;

/**
 * Not part of the default test run (no *Test suffix). Measures the latency from a REST send on
 * instance A to the message.created frame on a socket connected to instance B (commit, Redis
 * signal, log read, WebSocket write), and the sequential send rate. Writes
 * target/benchmarks/delivery-latency.txt. Run:
 * {@code ./mvnw -B -o -pl services/messenger verify -Dtest=DeliveryLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class DeliveryLatencyBenchmark {

    private static final int WARMUP = 50;
    private static final int SENDS = Integer.getInteger("bench.sends", 500);

    @Test
    void measureCrossReplicaDeliveryLatency() throws Exception {
        Cluster.Node a = Cluster.a();
        Cluster.Node b = Cluster.b();
        TestUser alice = Cluster.user();
        TestUser bob = Cluster.user();
        List<Long> latenciesMicros = new ArrayList<>();
        long started;
        long finished;
        try (WsTestClient ws = WsTestClient.connect(b.ws() + "?token=" + bob.token())) {
            ws.awaitType("ready");
            for (int i = 0; i < WARMUP; i++) {
                long id = alice.sendTo(a.http(), bob, "warmup " + i).get("id").asLong();
                ws.await(f -> f.path("message").path("id").asLong() == id, Duration.ofSeconds(10));
            }
            started = System.nanoTime();
            for (int i = 0; i < SENDS; i++) {
                long t0 = System.nanoTime();
                var r = alice.post(a.http(), "/api/v1/messages", Map.of("toUserId", bob.id(), "text", "bench " + i));
                long id = r.json().get("id").asLong();
                ws.await(x -> x.path("message").path("id").asLong() == id, Duration.ofSeconds(10));
                latenciesMicros.add((System.nanoTime() - t0) / 1000);
            }
            finished = System.nanoTime();
        }
        Collections.sort(latenciesMicros);
        double seconds = (finished - started) / 1e9;
        String report = """
                Cross-replica delivery latency (REST send on instance A -> message.created on a WebSocket at instance B)
                when:        %s
                sends:       %d sequential (after %d warm-up), one sender, one receiver
                p50:         %.2f ms
                p95:         %.2f ms
                p99:         %.2f ms
                max:         %.2f ms
                rate:        %.1f sends/s (send + delivery, sequential)
                machine:     %d cores visible, shared with other builds; real PostgreSQL, Redis, Kafka on loopback
                command:     ./mvnw -B -o -pl services/messenger verify -Dtest=DeliveryLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false
                """.formatted(Instant.now(), SENDS, WARMUP, pct(latenciesMicros, 50), pct(latenciesMicros, 95), pct(latenciesMicros, 99),
                latenciesMicros.get(latenciesMicros.size() - 1) / 1000.0, SENDS / seconds, Runtime.getRuntime().availableProcessors());
        Path out = Path.of("target", "benchmarks", "delivery-latency.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);
    }

    private static double pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)) / 1000.0;
    }
}

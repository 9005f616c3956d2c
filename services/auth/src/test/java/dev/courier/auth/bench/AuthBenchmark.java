package dev.courier.auth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.courier.auth.AuthServer;
import dev.courier.auth.passwords.PasswordHasher;
import dev.courier.platform.testing.Http;

/**
 * Not a test: measures the Argon2id hash time and the login throughput of a real auth server
 * (shared test stack) on this machine and writes services/auth/BENCHMARK.md.
 * Arguments: [seconds of login load] [concurrent clients].
 */
public final class AuthBenchmark {

    private AuthBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int cores = Runtime.getRuntime().availableProcessors();

        PasswordHasher hasher = new PasswordHasher(19456, 2, 1, 1);
        for (int i = 0; i < 5; i++) {
            hasher.hash("warm up the JIT " + i);
        }
        List<Double> hashMs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long t = System.nanoTime();
            hasher.hash("benchmark password " + i);
            hashMs.add((System.nanoTime() - t) / 1e6);
        }
        List<Double> verifyMs = new ArrayList<>();
        String phc = hasher.hash("benchmark password");
        for (int i = 0; i < 30; i++) {
            long t = System.nanoTime();
            hasher.verify("benchmark password", phc);
            verifyMs.add((System.nanoTime() - t) / 1e6);
        }

        // Rate limits out of the way: the benchmark measures hashing, sessions and signing.
        try (AuthServer auth = AuthServer.with(Map.of("courier.auth.ratelimit.login.account", "1000000",
                "courier.auth.ratelimit.login.address", "1000000", "courier.auth.ratelimit.loginfailures.free", "1000000"))) {
            AuthServer.TestUser user = auth.register();
            Map<String, String> body = Map.of("login", user.username(), "password", AuthServer.PASSWORD);
            for (int i = 0; i < 5; i++) {
                auth.http.post("/api/v1/auth/login", body, Map.of());
            }
            // Same answer, similar time: an unknown login pays a decoy verification.
            List<Double> wrongPassword = new ArrayList<>();
            List<Double> unknownUser = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                auth.http.post("/api/v1/auth/login", Map.of("login", user.username(), "password", "not the password"), Map.of());
                wrongPassword.add((System.nanoTime() - t) / 1e6);
                t = System.nanoTime();
                auth.http.post("/api/v1/auth/login", Map.of("login", AuthServer.unique("nobody"), "password", "not the password"), Map.of());
                unknownUser.add((System.nanoTime() - t) / 1e6);
            }
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger failures = new AtomicInteger();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    Http http = Http.port(auth.port());
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        int status = http.post("/api/v1/auth/login", body, Map.of()).status();
                        latencies.add((System.nanoTime() - t) / 1e6);
                        if (status != 200) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            double elapsed = (System.nanoTime() - start) / 1e9;
            String report = report(cores, hashMs, verifyMs, latencies, failures.get(), elapsed, clients, seconds)
                    + """

                    ## Failed login timing (sequential, interleaved, n=20 each)

                    | case | mean ms | p50 ms | p95 ms |
                    |---|---|---|---|
                    | wrong password | %.1f | %.1f | %.1f |
                    | unknown user | %.1f | %.1f | %.1f |
                    """.formatted(mean(wrongPassword), pct(wrongPassword, 50), pct(wrongPassword, 95),
                    mean(unknownUser), pct(unknownUser, 50), pct(unknownUser, 95));
            System.out.println(report);
            write(report);
        }
        System.exit(0);
    }

    private static String report(int cores, List<Double> hash, List<Double> verify, List<Double> login, int failures,
                                 double elapsed, int clients, int seconds) {
        return """
                # Auth benchmark

                Measured %s on this machine (%d cores visible to the JVM, shared with other work), JDK %s.
                Load average at the end of the run (1, 5, 15 min; other engineers' builds included): %s.
                Not a test: run it by hand, read the numbers, compare runs on the same machine only.

                Command (from the repository root, after `./mvnw -B -q -pl services/auth -am install -DskipTests`):

                ```
                ./mvnw -B -q -o -pl services/auth test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \\
                  && $JAVA_HOME/bin/java -Xmx512m -Dcourier.test.home=$PWD/.courier/test \\
                     -cp services/auth/target/test-classes:services/auth/target/classes:$(cat services/auth/target/bench.cp) \\
                     dev.courier.auth.bench.AuthBenchmark %d %d
                ```

                ## Argon2id (m=19456 KiB, t=2, p=1, 32-byte hash, 16-byte salt; password4j 1.8.4), one thread

                | operation | n | mean ms | p50 ms | p95 ms |
                |---|---|---|---|---|
                | hash | %d | %.1f | %.1f | %.1f |
                | verify | %d | %.1f | %.1f | %.1f |

                ## Login throughput (real HTTP, PostgreSQL lookup, Argon2id verify, Redis session, ES256 JWT)

                %d concurrent clients for %.1f s against one auth server (hashing bounded to the core count):

                | logins | failures | logins/s | p50 ms | p95 ms | p99 ms |
                |---|---|---|---|---|---|
                | %d | %d | %.1f | %.1f | %.1f | %.1f |

                Login cost is dominated by Argon2id: one core verifies roughly 1000/hash-ms logins per second,
                so capacity grows with cores (or replicas), and the semaphore keeps memory at
                cores x 19 MiB however many logins arrive at once.
                """.formatted(Instant.now(), cores, Runtime.version(), loadAverage(), seconds, clients,
                hash.size(), mean(hash), pct(hash, 50), pct(hash, 95),
                verify.size(), mean(verify), pct(verify, 50), pct(verify, 95),
                clients, elapsed, login.size(), failures, login.size() / elapsed, pct(login, 50), pct(login, 95), pct(login, 99));
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static double pct(List<Double> v, int p) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.isEmpty() ? 0 : s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }

    private static void write(String report) throws IOException {
        Path dir = Path.of(System.getProperty("courier.bench.out", "services/auth"));
        Files.writeString(dir.resolve("BENCHMARK.md"), report);
    }
}

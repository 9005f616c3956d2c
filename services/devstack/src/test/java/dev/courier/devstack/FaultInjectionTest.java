package dev.courier.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.courier.infra.Endpoints;
import dev.courier.infra.LocalStack;
import dev.courier.platform.events.Topics;
import dev.courier.platform.http.Json;
import dev.courier.platform.kafka.KafkaSettings;
import dev.courier.platform.testing.Http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The whole system under light load while its backing servers fail: Kafka stopped and killed,
 * Redis stopped and restarted empty, PostgreSQL restarted and stopped for 30 s, and a stats JVM
 * killed during a catch-up. Senders retry
 * with the same clientId until acknowledged, as a client should. After each fault is repaired,
 * every acknowledged message is in history exactly once, marked processed and counted by stats;
 * each was received exactly once by its recipient's WebSocket, which reconnects from its last
 * cursor whenever it is closed; at the end, each is on Kafka exactly once. During the faults, no
 * request gets a 500 or hangs.
 *
 * <p>The servers are this class's own (under {@code fault-injection} beside the shared stack, the
 * shared SMTP sink apart), so its faults disturb no other test of the same build.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionTest {

    private static final Duration RESTORE = Duration.ofSeconds(90);
    /**
     * No answer may take this long. Generous: this machine runs several builds at once (a send
     * has taken 8 s under a load average of 35 with every server up); a hang on a lost server
     * waited 10 s or more.
     */
    private static final long SLOW_MILLIS = 9000;

    private static LocalStack own;
    private static DevStack stack;
    private static Http gateway;
    private static Endpoints infra;
    private static final List<User> users = new ArrayList<>();
    private static final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
    private static long since;
    private static final List<Receiver> receivers = new ArrayList<>();

    private record User(long id, String username, String password, String token, String refresh) {
        Map<String, String> bearer() {
            return Map.of("Authorization", "Bearer " + token);
        }
    }

    private record Acked(long id, long conversationId, long senderId, String text, long atNanos) {
    }

    @BeforeAll
    static void start() {
        own = LocalStack.test(Path.of(System.getProperty("courier.test.home", ".courier/test")).resolve("fault-injection"));
        Endpoints shared = LocalStack.shared();
        infra = new Endpoints(own.postgresOnly(), shared.dbUser(), shared.dbPassword(), own.redisOnly(), own.kafkaOnly(),
                shared.smtpHost(), shared.smtpPort(), shared.mailApiUrl());
        stack = DevStack.start(infra, 0, 0, Map.of());
        gateway = Http.port(stack.gatewayPort());
        since = Instant.now().getEpochSecond() - 5;
        for (int i = 0; i < 4; i++) {
            users.add(signUp());
        }
        // One message each way first, so the first scenario does not time the services' warm-up.
        for (int i = 0; i < 4; i += 2) {
            Http.Response warm = gateway.post("/api/v1/messages", Map.of("toUserId", users.get(i + 1).id(), "text", "warm-up"),
                    users.get(i).bearer());
            assertThat(warm.body(), warm.status(), is(201));
            acked.add(new Acked(warm.json().get("id").asLong(), warm.json().get("conversationId").asLong(), users.get(i).id(), "warm-up",
                    System.nanoTime()));
        }
        // The recipients of the two senders keep a socket open all along, resuming from their cursor.
        for (User u : List.of(users.get(1), users.get(3))) {
            Receiver r = new Receiver(u);
            receivers.add(r);
            Thread.ofVirtual().start(r);
        }
    }

    @AfterAll
    static void stop() {
        receivers.forEach(r -> r.stop = true);
        if (stack != null) {
            stack.close();
        }
        own.stop();
    }

    @Test
    @Order(1)
    void kafkaStopped() throws Exception {
        underLoad(() -> {
            own.stopKafka();
            pause(8000);
            own.startKafka();
        });
    }

    @Test
    @Order(2)
    void kafkaKilled() throws Exception {
        underLoad(() -> {
            own.killKafka();
            pause(3000);
            own.startKafka();
        });
    }

    @Test
    @Order(3)
    void redisStopped() throws Exception {
        underLoad(() -> {
            own.stopRedis();
            pause(1000);
            Http.Response login = gateway.post("/api/v1/auth/login",
                    Map.of("login", users.getFirst().username(), "password", users.getFirst().password()), Map.of());
            assertUnavailable(login, "redis");
            pause(6000);
            own.startRedis();
        });
    }

    @Test
    @Order(4)
    void redisRestartedEmpty() throws Exception {
        underLoad(() -> {
            own.stopRedis();
            own.startRedis();
        });
        // Sessions lived in Redis: the old refresh token is refused (log in again), and logging in works.
        User u = users.getFirst();
        Http.Response refresh = until200or4xx(() -> gateway.post("/api/v1/auth/refresh", Map.of("refreshToken", u.refresh()), Map.of()));
        assertThat(refresh.body(), refresh.status(), is(401));
        Http.Response login = until200or4xx(() -> gateway.post("/api/v1/auth/login", Map.of("login", u.username(), "password", u.password()), Map.of()));
        assertThat(login.body(), login.status(), is(200));
    }

    @Test
    @Order(5)
    void postgresRestarted() throws Exception {
        underLoad(() -> {
            own.stopPostgres();
            own.startPostgres();
        });
    }

    @Test
    @Order(6)
    void postgresStoppedFor30Seconds() throws Exception {
        underLoad(() -> {
            own.stopPostgres();
            try {
                pause(1500);
                long t0 = System.nanoTime();
                Http.Response send = gateway.post("/api/v1/messages", Map.of("toUserId", users.get(1).id(), "text", "while down",
                        "clientId", UUID.randomUUID().toString()), users.getFirst().bearer());
                assertUnavailable(send, "postgresql");
                assertThat("a send answered within 3 s", millisSince(t0), lessThan(3000L));
                t0 = System.nanoTime();
                Http.Response ready = Http.port(stack.managementPort("messenger")).get("/health/ready");
                assertThat(ready.body(), ready.status(), is(503));
                assertThat("readiness answered within 3 s", millisSince(t0), lessThan(3000L));
                pause(28_500);
            } finally {
                // Back up even when an assertion above failed, so the next fault starts from a whole stack.
                own.startPostgres();
            }
        });
    }

    /**
     * A second stats replica in a JVM of its own takes part of the partitions; Kafka is stopped to
     * build a backlog, and the replica is killed with SIGKILL as the catch-up starts. The in-process
     * stats takes its partitions over once its session times out (10 s) and counts everything once.
     */
    @Test
    @Order(7)
    void statsJvmKilledDuringCatchUp() throws Exception {
        Process replica;
        try {
            replica = startStatsProcess(freePort());
        } catch (IllegalStateException slowStart) {
            // A loaded machine can make the child miss its start-up deadlines (Kafka's topic check): once more.
            replica = startStatsProcess(freePort());
        }
        Process child = replica;
        try {
            pause(5000);
            underLoad(() -> {
                own.stopKafka();
                pause(6000);
                own.startKafka();
                pause(500);
                child.destroyForcibly().waitFor();
            });
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    @Order(8)
    void everyAcknowledgedMessageIsOnKafkaExactlyOnce() throws Exception {
        Map<Long, Integer> seen = new HashMap<>();
        var props = KafkaSettings.from(io.helidon.config.Config.just(io.helidon.config.ConfigSources.create(
                Map.of("bootstrap", infra.kafkaBootstrap())))).consumer("fault-check-" + UUID.randomUUID(), "fault-check");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = c.partitionsFor(Topics.MESSAGES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(500))) {
                    JsonNode e = Json.MAPPER.readTree(r.value());
                    if ("message.created".equals(e.path("type").asText())) {
                        seen.merge(e.path("message").path("id").asLong(), 1, Integer::sum);
                    }
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        for (Acked a : acked) {
            int n = seen.getOrDefault(a.id(), 0);
            if (n != 1) {
                wrong.add(a.id() + " x" + n);
            }
        }
        assertThat("messages not on Kafka exactly once", wrong, is(empty()));
    }

    /** Light load (two senders) around a fault, then the checks once the servers are back. */
    private static void underLoad(Fault fault) throws Exception {
        String name = StackWalker.getInstance().walk(f -> f.skip(1).findFirst().orElseThrow().getMethodName());
        long started = System.nanoTime();
        bad.clear();
        List<Sender> senders = List.of(new Sender(users.get(0), users.get(1)), new Sender(users.get(2), users.get(3)));
        List<Thread> threads = senders.stream().map(s -> Thread.ofVirtual().start(s)).toList();
        try {
            pause(2000);
            fault.run();
            restored = System.nanoTime();
            pause(2000);
        } finally {
            senders.forEach(s -> s.stop = true);
            for (Thread t : threads) {
                t.join(RESTORE.toMillis());
            }
        }
        assertThat("requests answered 5xx other than 503, or slower than " + SLOW_MILLIS + " ms", List.copyOf(bad), is(empty()));
        verify();
        // What the operations section of the README reports.
        List<Long> times = acked.stream().map(Acked::atNanos).filter(t -> t >= started).sorted().toList();
        long gap = 0;
        for (int i = 1; i < times.size(); i++) {
            gap = Math.max(gap, times.get(i) - times.get(i - 1));
        }
        System.out.printf("FAULT %s: %d sends acknowledged, longest gap between acknowledgements %.1f s, "
                + "everything processed and counted %.1f s after the restore%n", name, times.size(), gap / 1e9,
                (caughtUp - restored) / 1e9);
    }

    private static long restored;
    private static long caughtUp;

    private static void verify() throws InterruptedException {
        Map<Long, List<Acked>> byChat = new HashMap<>();
        acked.forEach(a -> byChat.computeIfAbsent(a.conversationId(), k -> new ArrayList<>()).add(a));
        long deadline = System.nanoTime() + RESTORE.toNanos();
        List<String> problems;
        do {
            problems = new ArrayList<>();
            for (var e : byChat.entrySet()) {
                problems.addAll(checkHistory(e.getKey(), e.getValue()));
            }
            for (Receiver rc : receivers) {
                for (Acked a : acked) {
                    if (a.senderId() == users.get(users.indexOf(rc.user) - 1).id()) {
                        int n = rc.received.getOrDefault(a.id(), 0);
                        if (n != 1) {
                            problems.add("message " + a.id() + " received " + n + " times by " + rc.user.id());
                        }
                    }
                }
            }
            for (User u : List.of(users.get(0), users.get(2))) {
                long expected = acked.stream().filter(a -> a.senderId() == u.id()).count();
                Http.Response r = gateway.get("/MessagesSentByUser?since=" + since + "&to=" + (Instant.now().getEpochSecond() + 3600), u.bearer());
                long counted = r.status() == 200 ? r.json().get("messages").asLong() : -1;
                if (counted != expected) {
                    problems.add("stats counts " + counted + " sent by " + u.id() + ", acknowledged " + expected);
                }
            }
            if (!problems.isEmpty()) {
                Thread.sleep(1000);
            }
        } while (!problems.isEmpty() && System.nanoTime() < deadline);
        caughtUp = System.nanoTime();
        assertThat(problems, is(empty()));
    }

    /** Every acknowledged message of the chat once in its history, and marked processed. */
    private static List<String> checkHistory(long chat, List<Acked> expected) {
        User reader = users.stream().filter(u -> u.id() == expected.getFirst().senderId()).findFirst().orElseThrow();
        Map<String, Integer> texts = new HashMap<>();
        Set<Long> processed = new HashSet<>();
        String before = "";
        while (true) {
            Http.Response r = gateway.get("/api/v1/chats/" + chat + "/messages?limit=100" + before, reader.bearer());
            if (r.status() != 200) {
                return List.of("history of " + chat + " answered " + r.status());
            }
            for (JsonNode m : r.json().get("messages")) {
                texts.merge(m.path("text").asText(), 1, Integer::sum);
                if (m.path("processed").asBoolean()) {
                    processed.add(m.get("id").asLong());
                }
            }
            JsonNode next = r.json().get("nextBefore");
            if (next == null || next.isNull()) {
                break;
            }
            before = "&before=" + next.asLong();
        }
        List<String> problems = new ArrayList<>();
        for (Acked a : expected) {
            int n = texts.getOrDefault(a.text(), 0);
            if (n != 1) {
                problems.add("message " + a.id() + " in history " + n + " times");
            } else if (!processed.contains(a.id())) {
                problems.add("message " + a.id() + " not processed");
            }
        }
        return problems;
    }

    /** Sends one message after another, each retried with its clientId until acknowledged. */
    private static final class Sender implements Runnable {

        private final User from;
        private final User to;
        private volatile boolean stop;

        Sender(User from, User to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public void run() {
            while (!stop) {
                String clientId = UUID.randomUUID().toString();
                String text = "fault " + clientId;
                long deadline = System.nanoTime() + RESTORE.toNanos();
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    Http.Response r;
                    try {
                        r = gateway.post("/api/v1/messages", Map.of("toUserId", to.id(), "text", text, "clientId", clientId), from.bearer());
                    } catch (IllegalStateException e) {
                        bad.add("send failed: " + e.getMessage());
                        pause(500);
                        continue;
                    }
                    long millis = millisSince(t0);
                    if (r.status() >= 500 && r.status() != 503 || millis > SLOW_MILLIS) {
                        bad.add(r.status() + " after " + millis + " ms: " + r.body());
                    }
                    if (r.status() == 201 || r.status() == 200) {
                        acked.add(new Acked(r.json().get("id").asLong(), r.json().get("conversationId").asLong(), from.id(), text,
                                System.nanoTime()));
                        break;
                    }
                    pause(r.status() == 503 ? 500 : 1000);
                }
                pause(150);
            }
        }
    }

    /**
     * A recipient's WebSocket on messenger, reconnecting after any close or error with the last
     * cursor it saw, as a client should; counts each message it receives.
     */
    private static final class Receiver implements Runnable, java.net.http.WebSocket.Listener {

        private final User user;
        private final Map<Long, Integer> received = new java.util.concurrent.ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile long cursor;
        private volatile boolean stop;
        private volatile java.util.concurrent.CompletableFuture<Void> closed;

        Receiver(User user) {
            this.user = user;
        }

        @Override
        public void run() {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            while (!stop) {
                closed = new java.util.concurrent.CompletableFuture<>();
                try {
                    java.net.http.WebSocket ws = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                            .buildAsync(java.net.URI.create("ws://127.0.0.1:" + stack.port("messenger") + "/ws?token=" + user.token()
                                    + "&cursor=" + cursor), this).get(10, java.util.concurrent.TimeUnit.SECONDS);
                    while (!stop && !closed.isDone()) {
                        pause(200);
                    }
                    ws.abort();
                } catch (Exception e) {
                    // Refused or failed: try again shortly.
                }
                pause(500);
            }
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode frame;
                try {
                    frame = Json.MAPPER.readTree(partial.toString());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    partial.setLength(0);
                }
                if ("message.created".equals(frame.path("type").asText())) {
                    received.merge(frame.path("message").path("id").asLong(), 1, Integer::sum);
                }
                if (frame.has("cursor")) {
                    cursor = frame.get("cursor").asLong();
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            closed.complete(null);
        }
    }

    @FunctionalInterface
    private interface Fault {
        void run() throws Exception;
    }

    /** The stats service in a child JVM on this class's servers, returned once it answers. */
    private static Process startStatsProcess(int port) throws java.io.IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.courier.stats.Main");
        Map<String, String> env = pb.environment();
        infra.config().forEach((k, v) -> env.put(k.replace('.', '_').toUpperCase(java.util.Locale.ROOT), v));
        env.put("SERVER_PORT", Integer.toString(port));
        int management = freePort();
        env.put("COURIER_MANAGEMENT_PORT", Integer.toString(management));
        env.put("SERVER_HOST", "127.0.0.1");
        env.put("COURIER_AUTH_JWKS", "http://127.0.0.1:" + stack.port("auth") + "/.well-known/jwks.json");
        pb.redirectErrorStream(true).redirectOutput(Path.of("target", "stats-child-" + port + ".log").toFile());
        Process p = pb.start();
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IllegalStateException("The stats process exited; see target/stats-child-" + port + ".log");
            }
            try {
                if (Http.port(management).get("/health/live").status() == 200) {
                    return p;
                }
            } catch (IllegalStateException notYet) {
                // Not listening yet.
            }
            pause(200);
        }
        p.destroyForcibly();
        throw new IllegalStateException("The stats process did not come up in time");
    }

    private static int freePort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static User signUp() {
        String name = "fault" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String password = "Fault-" + UUID.randomUUID();
        Http.Response reg = gateway.post("/api/v1/auth/register",
                Map.of("username", name, "email", name + "@example.test", "password", password), Map.of());
        assertThat(reg.body(), reg.status(), is(201));
        Http.Response login = gateway.post("/api/v1/auth/login", Map.of("login", name, "password", password), Map.of());
        assertThat(login.body(), login.status(), is(200));
        return new User(reg.json().get("id").asLong(), name, password, login.json().get("accessToken").asText(),
                login.json().get("refreshToken").asText());
    }

    private static void assertUnavailable(Http.Response r, String dependency) {
        assertThat(r.body(), r.status(), is(503));
        assertThat(r.header("Retry-After"), notNullValue());
        assertThat(r.header("Content-Type"), containsString("application/problem+json"));
        assertThat(r.body(), r.json().path("dependency").asText(), is(dependency));
    }

    private static Http.Response until200or4xx(java.util.function.Supplier<Http.Response> call) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Http.Response r = call.get();
        while (r.status() >= 500 && System.nanoTime() < deadline) {
            pause(500);
            r = call.get();
        }
        return r;
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

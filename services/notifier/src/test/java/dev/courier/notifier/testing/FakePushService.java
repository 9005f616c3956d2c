package dev.courier.notifier.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

/**
 * A push service on 127.0.0.1: records every request it receives (headers, body, time) per
 * endpoint path and answers with the statuses a test programs (201 when nothing is programmed).
 */
public final class FakePushService implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, LinkedBlockingQueue<Received>> received = new ConcurrentHashMap<>();
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    private final Map<String, Answer> always = new ConcurrentHashMap<>();

    public FakePushService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/push/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
            queue(path).add(new Received(ex.getRequestMethod(), headers, body, Instant.now()));
            Deque<Answer> programmed = answers.get(path);
            Answer a = programmed != null && !programmed.isEmpty() ? programmed.poll() : always.getOrDefault(path, new Answer(201, null));
            if (a.retryAfter() != null) {
                ex.getResponseHeaders().add("Retry-After", a.retryAfter());
            }
            ex.sendResponseHeaders(a.status(), -1);
            ex.close();
        });
        server.start();
    }

    /** A fresh endpoint URL on this service. */
    public String endpoint(String name) {
        return origin() + "/push/" + name + "-" + java.util.UUID.randomUUID();
    }

    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next requests to {@code endpoint} get these answers, in order; then 201s. */
    public void answer(String endpoint, Answer... next) {
        answers.computeIfAbsent(path(endpoint), k -> new ConcurrentLinkedDeque<>()).addAll(List.of(next));
    }

    /** Every request to {@code endpoint} gets this answer. */
    public void always(String endpoint, Answer answer) {
        always.put(path(endpoint), answer);
    }

    public Received await(String endpoint, Duration timeout) throws InterruptedException {
        Received r = queue(path(endpoint)).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("No push request reached " + endpoint + " within " + timeout);
        }
        return r;
    }

    /** Everything received so far at {@code endpoint}, without waiting. */
    public List<Received> drain(String endpoint) {
        List<Received> out = new ArrayList<>();
        queue(path(endpoint)).drainTo(out);
        return out;
    }

    private LinkedBlockingQueue<Received> queue(String path) {
        return received.computeIfAbsent(path, k -> new LinkedBlockingQueue<>());
    }

    private static String path(String endpoint) {
        return java.net.URI.create(endpoint).getPath();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public record Answer(int status, String retryAfter) {

        public static Answer of(int status) {
            return new Answer(status, null);
        }
    }

    public record Received(String method, Map<String, String> headers, byte[] body, Instant at) {

        public String header(String name) {
            return headers.get(name);
        }
    }
}

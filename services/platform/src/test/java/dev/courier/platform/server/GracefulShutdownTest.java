package dev.courier.platform.server;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * A service that gets SIGTERM while clients keep sending answers every request it read: those in
 * flight, and those that arrive while it drains. Once it stops, a request either finds the port
 * closed or its connection closed before the service read a byte of it (the kernel's accept queue
 * at the moment the listener closes), which the service's journal shows. With Helidon's own
 * shutdown hook and its half-second grace, requests in flight were cut.
 */
class GracefulShutdownTest {

    private static final int CLIENTS = 8;

    @Test
    void everyRequestSentDuringSigtermIsAnswered() throws Exception {
        int port = freePort();
        int management = freePort();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path journal = Files.createTempFile("slow-app", ".journal");
        Process service = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SlowApp.class.getName(), Integer.toString(port), Integer.toString(management), journal.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitReady(management);
            AtomicLong sigterm = new AtomicLong(Long.MAX_VALUE);
            AtomicInteger answeredAfterSigterm = new AtomicInteger();
            AtomicInteger sentAndAnsweredAfterSigterm = new AtomicInteger();
            AtomicInteger answered = new AtomicInteger();
            Set<String> answeredBodies = ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
            Map<String, String> unanswered = new ConcurrentHashMap<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                clients.add(Thread.ofPlatform().start(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(2)).build();
                    for (int n = 0; ; n++) {
                        String body = client + "-" + n;
                        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/work"))
                                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        long sent = System.nanoTime();
                        try {
                            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200 || !r.body().equals("done " + body)) {
                                failed.add(body + ": " + r.statusCode() + " " + r.body());
                            }
                            answeredBodies.add(body);
                            answered.incrementAndGet();
                            if (System.nanoTime() > sigterm.get()) {
                                answeredAfterSigterm.incrementAndGet();
                            }
                            if (sent > sigterm.get()) {
                                sentAndAnsweredAfterSigterm.incrementAndGet();
                            }
                        } catch (ConnectException e) {
                            return; // the server no longer accepts: this request never reached it
                        } catch (IOException | InterruptedException e) {
                            unanswered.put(body, String.valueOf(e));
                            return;
                        }
                    }
                }));
            }
            // Every client has been answered once, so each is mid-request or about to send again.
            long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (answered.get() < CLIENTS && System.nanoTime() < warm) {
                Thread.sleep(20);
            }
            Thread.sleep(SlowApp.REQUEST_MILLIS / 2);
            sigterm.set(System.nanoTime());
            service.destroy(); // SIGTERM
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(service.waitFor(30, TimeUnit.SECONDS), is(true));
            assertThat(List.copyOf(failed), is(empty()));
            List<String> read = Files.readAllLines(journal);
            List<String> readButUnanswered = read.stream().filter(b -> !answeredBodies.contains(b))
                    .map(b -> b + ": " + unanswered.get(b)).toList();
            assertThat("requests the service read but did not answer", readButUnanswered, is(empty()));
            assertThat(read.size(), is(answered.get()));
            // In flight at SIGTERM, and sent during the drain: all of them answered.
            assertThat("answered after SIGTERM", answeredAfterSigterm.get(), greaterThan(CLIENTS));
            assertThat("sent after SIGTERM and answered", sentAndAnsweredAfterSigterm.get(), greaterThan(0));
        } finally {
            service.destroyForcibly();
            Files.deleteIfExists(journal);
        }
    }

    private static void awaitReady(int management) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the service did not become ready within 60 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

package dev.courier.platform.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * Raw sockets against a server whose headers must arrive within 2 s of the request line: a client
 * sending its headers a byte a second is cut; a slow body is not a slow header and is not cut.
 */
class HeaderTimeoutTest {

    private static WebServer server;
    private static CourierApp app;

    @BeforeAll
    static void start() {
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1",
                        "courier.http.headertimeoutseconds", "2")))
                .build();
        app = new CourierApp() {
            @Override
            public String name() {
                return "slow-headers";
            }

            @Override
            public void routing(HttpRouting.Builder routing) {
                routing.get("/hello", (req, res) -> res.send("hello"));
                routing.post("/echo", (req, res) -> res.send(req.content().as(String.class)));
            }

            @Override
            public List<HealthCheck> healthChecks() {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
        server = Servers.start(config, app);
    }

    @AfterAll
    static void stop() {
        server.stop();
        app.close();
    }

    @Test
    void headersSentAByteASecondAreCutAfterTheDeadline() throws Exception {
        String headers = "Host: 127.0.0.1\r\nX-Slow: " + "a".repeat(40) + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("GET /hello HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            int sent = 0;
            boolean cut = false;
            while (sent < headers.length() && !cut) {
                try {
                    out.write(headers.charAt(sent));
                    out.flush();
                    sent++;
                    // Waits a second for the server: -1 is the server closing the connection.
                    cut = in.read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // The server is still waiting for the rest: send the next byte.
                } catch (IOException reset) {
                    cut = true;
                }
            }
            assertThat("cut before the headers were complete", cut, is(true));
            assertThat(sent, lessThan(headers.length()));
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), lessThan(10L));
        }
    }

    @Test
    void aSlowBodyAfterPromptHeadersIsServed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (char c : "slow".toCharArray()) {
                Thread.sleep(1000);
                out.write(c);
                out.flush();
            }
            String answer = readUntil(socket, "slow");
            assertThat(answer, containsString(" 200 "));
        }
    }

    @Test
    void aPromptRequestIsAnsweredAsUsual() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readUntil(socket, "hello");
            assertThat(answer, containsString(" 200 "));
        }
    }

    /** What the server sent up to and including {@code text} (the body's end). */
    private static String readUntil(Socket socket, String text) throws IOException {
        StringBuilder got = new StringBuilder();
        InputStream in = socket.getInputStream();
        while (!got.toString().contains(text)) {
            int b = in.read();
            if (b == -1) {
                break;
            }
            got.append((char) b);
        }
        return got.toString();
    }
}

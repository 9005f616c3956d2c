package dev.courier.messenger.realtime;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.courier.messenger.testing.Cluster;
import dev.courier.messenger.testing.OwnMessenger;
import dev.courier.messenger.testing.TestUser;
import dev.courier.messenger.testing.WsTestClient;
import dev.courier.platform.http.Json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A member whose socket stops reading (its TCP buffers fill) is disconnected once a send stays
 * stuck for {@code stucksendmillis}, without holding back the other members, and loses nothing:
 * resuming from the last cursor it processed brings every later message exactly once, in order.
 * Only protocol-visible behaviour is asserted (close code or dropped connection, frames, cursors).
 */
class SlowClientTest {

    private static final long STUCK_MILLIS = 1_500;
    private static final long SWEEP_MILLIS = 200;
    private static final int MESSAGES = 120;
    /** Each message carries close to the largest payload allowed, so a few fill the buffers. */
    private static final int CIPHERTEXT = 48 * 1024;

    // Silence alone must not close the socket here: only the stuck send may.
    @RegisterExtension
    static final OwnMessenger node = OwnMessenger.with(
            "courier.messenger.ws.stucksendmillis", Long.toString(STUCK_MILLIS),
            "courier.messenger.ws.sweepmillis", Long.toString(SWEEP_MILLIS),
            "courier.messenger.ws.deadaftermillis", "300000");

    @Test
    void aClientThatStopsReadingIsDroppedOthersKeepReceivingAndItsResumeMissesNothing() throws Exception {
        TestUser sender = Cluster.user();
        TestUser slow = Cluster.user();
        TestUser carol = Cluster.user();
        var created = sender.post(node.http(), "/api/v1/rooms", Map.of("name", "slow-" + UUID.randomUUID()));
        assertThat(created.body(), created.status(), is(201));
        long room = created.json().get("id").asLong();
        for (TestUser u : List.of(slow, carol)) {
            assertThat(u.post(node.http(), "/api/v1/rooms/" + room + "/join", null).status(), is(200));
        }

        double dropsBefore = slowDisconnects();
        List<Long> ids = new ArrayList<>();
        try (WsTestClient carolWs = WsTestClient.connect(node.ws() + "?token=" + carol.token());
             RawClient stalled = RawClient.connect(node.port(), "/ws?token=" + slow.token())) {
            carolWs.awaitType("ready");
            for (int i = 0; i < MESSAGES; i++) {
                var r = sender.post(node.http(), "/api/v1/chats/" + room + "/messages",
                        Map.of("ciphertext", ciphertext(i), "nonce", "n" + i));
                assertThat(r.body(), r.status(), is(201));
                ids.add(r.json().get("id").asLong());
            }
            // Carol's socket is not held back by the stalled one: every message, in order.
            for (long id : ids) {
                JsonNode f = carolWs.await(x -> "message.created".equals(x.path("type").asText()), Duration.ofSeconds(15));
                assertThat(f.get("message").get("id").asLong(), is(id));
            }

            // By now the stalled socket's send has been stuck longer than allowed: the server drops it,
            // so reading what was buffered ends (close 4408, EOF or reset) instead of waiting for more.
            Thread.sleep(STUCK_MILLIS + 2 * SWEEP_MILLIS + 1_500);
            RawClient.Outcome outcome = stalled.readUntilClosed(Duration.ofSeconds(10));
            assertThat("the server dropped the stalled client", outcome.dropped(), is(true));
            if (outcome.closeCode() != null) {
                assertThat(outcome.closeCode(), is(4408));
            }
            // The operator sees it: courier_messenger_ws_slow_disconnects_total, by reason.
            assertThat(slowDisconnects() >= dropsBefore + 1, is(true));

            long cursor = 0;
            List<Long> processed = new ArrayList<>();
            for (JsonNode f : outcome.frames()) {
                if ("ready".equals(f.path("type").asText())) {
                    cursor = f.get("cursor").asLong();
                }
                if (f.has("cursor") && !"ready".equals(f.path("type").asText())) {
                    assertThat(f.get("cursor").asLong() > cursor, is(true));
                    cursor = f.get("cursor").asLong();
                    if ("message.created".equals(f.path("type").asText())) {
                        processed.add(f.get("message").get("id").asLong());
                    }
                }
            }
            assertThat("what the stalled client got is a prefix of the messages", processed, is(ids.subList(0, processed.size())));

            try (WsTestClient resumed = WsTestClient.connect(node.ws() + "?token=" + slow.token() + "&cursor=" + cursor)) {
                assertThat(resumed.awaitType("ready").get("cursor").asLong(), is(cursor));
                List<Long> rest = new ArrayList<>();
                long last = cursor;
                while (rest.size() < ids.size() - processed.size()) {
                    JsonNode f = resumed.await(x -> x.has("cursor"), Duration.ofSeconds(15));
                    assertThat(f.get("cursor").asLong() > last, is(true));
                    last = f.get("cursor").asLong();
                    if ("message.created".equals(f.path("type").asText())) {
                        rest.add(f.get("message").get("id").asLong());
                    }
                }
                assertThat(rest, is(ids.subList(processed.size(), ids.size())));
                List<JsonNode> extra = resumed.drain(Duration.ofMillis(500)).stream()
                        .filter(x -> "message.created".equals(x.path("type").asText())).toList();
                assertThat("no message twice", extra, is(List.of()));
            }
        }
    }

    /** Slow-client disconnects so far in this JVM, whatever the reason (a full queue or a stuck send). */
    private static double slowDisconnects() {
        double sum = 0;
        for (String reason : List.of("queue_full", "stuck_send")) {
            sum += io.helidon.metrics.api.Metrics.globalRegistry().meter(io.helidon.metrics.api.Counter.class,
                    "courier.messenger.ws.slow.disconnects", List.of(io.helidon.metrics.api.Tag.create("reason", reason)))
                    .map(io.helidon.metrics.api.Counter::count).orElse(0L);
        }
        return sum;
    }

    private static String ciphertext(int i) {
        byte[] bytes = new byte[CIPHERTEXT * 3 / 4 - 16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return i + ":" + Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * A WebSocket client on a plain socket with a small receive buffer: it completes the handshake
     * and then reads nothing until told to, so the server's sends pile up in TCP buffers.
     */
    static final class RawClient implements AutoCloseable {

        /** What the client read: complete text frames, the close code if a close frame came, and whether the server dropped it. */
        record Outcome(List<JsonNode> frames, Integer closeCode, boolean dropped) {
        }

        private final Socket socket;
        private final DataInputStream in;

        private RawClient(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
        }

        static RawClient connect(int port, String path) throws IOException {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String request = "GET " + path + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawClient c = new RawClient(s);
            s.setSoTimeout(10_000);
            String status = c.line();
            if (!status.startsWith("HTTP/1.1 101")) {
                s.close();
                throw new AssertionError("WebSocket upgrade refused: " + status);
            }
            while (!c.line().isEmpty()) {
                // Response headers.
            }
            return c;
        }

        /** One header line, read byte by byte so no frame byte after the headers is consumed. */
        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    break;
                }
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
            return sb.toString();
        }

        /**
         * Reads everything buffered. Ends with dropped = true on a close frame, EOF or a reset;
         * fails when the connection is still open (nothing more arrives within the timeout).
         */
        Outcome readUntilClosed(Duration quiet) throws IOException {
            socket.setSoTimeout((int) quiet.toMillis());
            List<JsonNode> frames = new ArrayList<>();
            java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
            try {
                while (true) {
                    int b0 = in.readUnsignedByte();
                    int b1 = in.readUnsignedByte();
                    long len = b1 & 0x7f;
                    if (len == 126) {
                        len = in.readUnsignedShort();
                    } else if (len == 127) {
                        len = in.readLong();
                    }
                    byte[] payload = new byte[Math.toIntExact(len)];
                    in.readFully(payload);
                    int opcode = b0 & 0x0f;
                    boolean fin = (b0 & 0x80) != 0;
                    if (opcode == 0x8) {
                        Integer code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : null;
                        return new Outcome(frames, code, true);
                    }
                    if (opcode == 0x1 || opcode == 0x0) {
                        message.write(payload);
                        if (fin) {
                            frames.add(Json.MAPPER.readTree(message.toByteArray()));
                            message.reset();
                        }
                    }
                    // Pings (0x9) and pongs (0xA) are not answered: this client has stopped talking.
                }
            } catch (EOFException | SocketException dropped) {
                return new Outcome(frames, null, true);
            } catch (SocketTimeoutException stillOpen) {
                return new Outcome(frames, null, false);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

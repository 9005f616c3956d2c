package dev.courier.loadtest.delivery;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One member's WebSocket. Every benchmark message's text is {@code bench:<sendNanos>:<sender>:<seq>},
 * so whatever the frame's shape, the receive time minus the send time (same JVM, same clock) is the
 * send-to-delivery latency. The sender's own copies are not counted.
 *
 * <p>A plain socket speaking RFC 6455 with one reading virtual thread, not java.net.http: the load
 * generator's core also runs PostgreSQL, Redis and Kafka, so what the client spends per received
 * frame (9,000 a second at 1,000 sockets) is taken from the system under test, and late reading
 * would be measured as delivery latency. Frames are scanned for the marker without a regex.
 */
final class BenchSocket {

    private static final byte[] MARK = "bench:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACK = "\"type\":\"ack\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "\"type\":\"error\"".getBytes(StandardCharsets.US_ASCII);

    interface Sink {
        /** {@code sentNanos}: the sender's {@link System#nanoTime()} when it sent the message. */
        void delivered(long sentNanos, long latencyNanos, int sender, int receiver, boolean crossReplica);

        /** The server acknowledged a send made over this socket (after its commit). */
        void acknowledged(long sentNanos, long latencyNanos);

        void failed(String frame);
    }

    final int member;
    final int replica;
    private final Sink sink;
    private final int[] replicaOfMember;
    private final ReentrantLock writing = new ReentrantLock();
    final AtomicLong frames = new AtomicLong();
    private volatile boolean open;
    private Socket socket;
    private OutputStream out;

    BenchSocket(int member, int replica, int[] replicaOfMember, Sink sink) {
        this.member = member;
        this.replica = replica;
        this.replicaOfMember = replicaOfMember;
        this.sink = sink;
    }

    /**
     * Opens the socket (the upgrade carries the token) on {@code pool}, from {@code localAddress} when
     * not null, then reads it there until closed.
     */
    CompletableFuture<Void> connect(ExecutorService pool, String url, String token, String localAddress) {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        pool.submit(() -> {
            InputStream in;
            try {
                in = handshake(URI.create(url), token, localAddress);
                open = true;
                opened.complete(null);
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
                return;
            }
            try {
                read(in);
            } catch (IOException e) {
                if (open) {
                    System.err.println("socket of member " + member + " failed: " + e);
                }
            } finally {
                open = false;
                closeQuietly();
            }
        });
        return opened;
    }

    boolean isOpen() {
        return open;
    }

    private InputStream handshake(URI uri, String token, String localAddress) throws IOException {
        if (!"ws".equals(uri.getScheme())) {
            throw new IllegalArgumentException("The benchmark client speaks plain ws:// only (measure behind TLS with Gatling): " + uri);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        if (localAddress != null) {
            s.bind(new InetSocketAddress(localAddress, 0));
        }
        socket = s;
        s.connect(new InetSocketAddress(uri.getHost(), port), 30_000);
        out = s.getOutputStream();
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new BufferedInputStream(s.getInputStream(), 4096);
        String status = RawHttp.line(in);
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("WebSocket upgrade of member " + member + " refused: " + status);
        }
        while (!RawHttp.line(in).isEmpty()) {
            // headers of the 101: nothing to check beyond the status
        }
        return in;
    }

    private void read(InputStream in) throws IOException {
        byte[] message = new byte[4096];
        int length = 0;
        while (true) {
            int b0 = in.read();
            int b1 = in.read();
            if (b0 < 0 || b1 < 0) {
                return;
            }
            int opcode = b0 & 0x0F;
            long size = b1 & 0x7F;
            if (size == 126) {
                size = (in.read() << 8) | in.read();
            } else if (size == 127) {
                size = 0;
                for (int i = 0; i < 8; i++) {
                    size = (size << 8) | in.read();
                }
            }
            if (length + size > message.length) {
                message = java.util.Arrays.copyOf(message, (int) Math.max(message.length * 2L, length + size));
            }
            in.readNBytes(message, length, (int) size);
            switch (opcode) {
                case 0x8 -> {
                    return;
                }
                case 0x9 -> control(0xA, java.util.Arrays.copyOfRange(message, length, length + (int) size));
                case 0xA -> { }
                default -> {
                    length += (int) size;
                    if ((b0 & 0x80) != 0) {
                        received(message, length);
                        length = 0;
                    }
                }
            }
        }
    }

    private void received(byte[] frame, int length) {
        long now = System.nanoTime();
        frames.incrementAndGet();
        boolean ack = indexOf(frame, length, ACK, 0) >= 0;
        if (indexOf(frame, length, ERROR, 0) >= 0) {
            sink.failed(new String(frame, 0, length, StandardCharsets.UTF_8));
        }
        for (int at = indexOf(frame, length, MARK, 0); at >= 0; at = indexOf(frame, length, MARK, at + 1)) {
            int i = at + MARK.length;
            long sentNanos = 0;
            for (; i < length && frame[i] >= '0' && frame[i] <= '9'; i++) {
                sentNanos = sentNanos * 10 + (frame[i] - '0');
            }
            if (i >= length || frame[i] != ':') {
                continue;
            }
            int sender = 0;
            int digits = 0;
            for (i++; i < length && frame[i] >= '0' && frame[i] <= '9'; i++, digits++) {
                sender = sender * 10 + (frame[i] - '0');
            }
            if (digits == 0) {
                continue;
            }
            if (ack && sender == member) {
                sink.acknowledged(sentNanos, now - sentNanos);
            } else if (!ack && sender != member) {
                sink.delivered(sentNanos, now - sentNanos, sender, member, replicaOfMember[sender] != replica);
            }
        }
    }

    private static int indexOf(byte[] data, int length, byte[] what, int from) {
        outer:
        for (int i = from; i <= length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Sends one text frame; a sender thread owns its socket, the lock only orders it with pongs. */
    void send(String text) {
        try {
            frame(0x1, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("send on the socket of member " + member + " failed: " + e, e);
        }
    }

    private void control(int opcode, byte[] payload) throws IOException {
        frame(opcode, payload);
    }

    /** A masked frame (clients must mask, RFC 6455 5.3), written in one call. */
    private void frame(int opcode, byte[] payload) throws IOException {
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] f = new byte[header + 4 + n];
        f[0] = (byte) (0x80 | opcode);
        if (n < 126) {
            f[1] = (byte) (0x80 | n);
        } else if (n < 65536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        int key = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < 4; i++) {
            f[header + i] = (byte) (key >>> (24 - 8 * i));
        }
        for (int i = 0; i < n; i++) {
            f[header + 4 + i] = (byte) (payload[i] ^ f[header + (i & 3)]);
        }
        writing.lock();
        try {
            out.write(f);
            out.flush();
        } finally {
            writing.unlock();
        }
    }

    /** A close frame (1000, "done"), then the socket. */
    void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            byte[] reason = "done".getBytes(StandardCharsets.US_ASCII);
            byte[] payload = new byte[2 + reason.length];
            payload[0] = (byte) (1000 >>> 8);
            payload[1] = (byte) (1000 & 0xFF);
            System.arraycopy(reason, 0, payload, 2, reason.length);
            control(0x8, payload);
        } catch (IOException ignored) {
            // The server went first; closing the socket below is all that is left.
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // already closed
        }
    }
}

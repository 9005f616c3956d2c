package dev.courier.loadtest.delivery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One member's WebSocket. Every benchmark message's text is {@code bench:<sendNanos>:<sender>:<seq>},
 * so whatever the frame's shape, the receive time minus the send time (same JVM, same clock) is the
 * send-to-delivery latency. The sender's own copies are not counted.
 *
 * <p>A plain socket channel speaking RFC 6455, not java.net.http: the load generator's core also
 * runs PostgreSQL, Redis and Kafka, so what the client spends per received frame (9,000 a second at
 * 1,000 sockets, 20,000 in a 10,000-member room) is taken from the system under test, and late
 * reading would be measured as delivery latency. The handshake is blocking (on the caller's virtual
 * thread); after it every socket is read by one selector thread ({@link Reactor}), which drains all
 * the frames a read brought in one go: a virtual thread per socket cost a wake-up, a park and a
 * hand-over between threads per frame. Frames are scanned for the marker without a regex.
 */
final class BenchSocket {

    private static final byte[] MARK = "bench:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACK = "\"type\":\"ack\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "\"type\":\"error\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_HEADERS = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

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
    private SocketChannel channel;
    /** Bytes read and not yet parsed (the reactor's thread only); grows for a frame larger than it. */
    ByteBuffer in = ByteBuffer.allocate(4096);
    /** A fragmented message's parts so far. */
    private byte[] message = new byte[0];
    private int messageLength;

    BenchSocket(int member, int replica, int[] replicaOfMember, Sink sink) {
        this.member = member;
        this.replica = replica;
        this.replicaOfMember = replicaOfMember;
        this.sink = sink;
    }

    /**
     * Opens the socket (the upgrade carries the token) on {@code pool}, from {@code localAddress} when
     * not null, then hands it to the reactor, which reads it until it closes.
     */
    CompletableFuture<Void> connect(ExecutorService pool, String url, String token, String localAddress) {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        pool.submit(() -> {
            try {
                handshake(URI.create(url), token, localAddress);
                open = true;
                Reactor.INSTANCE.register(this);
                opened.complete(null);
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                opened.completeExceptionally(e);
            }
        });
        return opened;
    }

    boolean isOpen() {
        return open;
    }

    SocketChannel channel() {
        return channel;
    }

    private void handshake(URI uri, String token, String localAddress) throws IOException {
        if (!"ws".equals(uri.getScheme())) {
            throw new IllegalArgumentException("The benchmark client speaks plain ws:// only (measure behind TLS with Gatling): " + uri);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        SocketChannel ch = SocketChannel.open();
        channel = ch;
        ch.socket().setTcpNoDelay(true);
        if (localAddress != null) {
            ch.bind(new InetSocketAddress(localAddress, 0));
        }
        ch.socket().connect(new InetSocketAddress(uri.getHost(), port), 30_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        while (request.hasRemaining()) {
            ch.write(request);
        }
        // Read until the end of the 101's headers; whatever came after them is the first frames.
        int end;
        while ((end = indexOf(in.array(), in.position(), END_OF_HEADERS, 0)) < 0) {
            if (!in.hasRemaining()) {
                in = ByteBuffer.wrap(Arrays.copyOf(in.array(), in.capacity() * 2)).position(in.position());
            }
            if (ch.read(in) < 0) {
                throw new IOException("WebSocket upgrade of member " + member + ": closed during the handshake");
            }
        }
        String status = new String(in.array(), 0, Math.max(0, indexOf(in.array(), end + 2, "\r\n".getBytes(StandardCharsets.US_ASCII), 0)),
                StandardCharsets.US_ASCII);
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("WebSocket upgrade of member " + member + " refused: " + status);
        }
        in.flip().position(end + END_OF_HEADERS.length);
        in.compact();
        ch.configureBlocking(false);
    }

    /**
     * Reads what the socket has and handles every complete frame in it (the reactor's thread).
     * Returns false once the socket is closed.
     */
    boolean readable() {
        try {
            int n = channel.read(in);
            parse();
            if (n < 0) {
                closeQuietly();
                return false;
            }
            return open;
        } catch (IOException e) {
            if (open) {
                System.err.println("socket of member " + member + " failed: " + e);
            }
            closeQuietly();
            return false;
        }
    }

    /** Handles the complete frames in {@link #in}, keeping a partial one for the next read. */
    void parse() throws IOException {
        in.flip();
        byte[] a = in.array();
        while (in.remaining() >= 2) {
            int at = in.position();
            int b0 = a[at] & 0xFF;
            int b1 = a[at + 1] & 0xFF;
            int header = 2;
            long size = b1 & 0x7F;
            if (size == 126) {
                header = 4;
                if (in.remaining() < header) {
                    break;
                }
                size = ((a[at + 2] & 0xFF) << 8) | (a[at + 3] & 0xFF);
            } else if (size == 127) {
                header = 10;
                if (in.remaining() < header) {
                    break;
                }
                size = 0;
                for (int i = 0; i < 8; i++) {
                    size = (size << 8) | (a[at + 2 + i] & 0xFF);
                }
            }
            if (in.remaining() < header + size) {
                if (header + size > in.capacity()) {
                    // A frame larger than the buffer: grow it (keeping the bytes read) and read on.
                    ByteBuffer bigger = ByteBuffer.allocate((int) Math.max(in.capacity() * 2L, header + size));
                    bigger.put(in);
                    in = bigger;
                    return;
                }
                break;
            }
            int from = at + header;
            int to = from + (int) size;
            in.position(to);
            switch (b0 & 0x0F) {
                case 0x8 -> {
                    closeQuietly();
                    return;
                }
                case 0x9 -> control(0xA, Arrays.copyOfRange(a, from, to));
                case 0xA -> { }
                default -> {
                    boolean fin = (b0 & 0x80) != 0;
                    if (fin && messageLength == 0) {
                        received(a, from, to);
                    } else {
                        if (messageLength + (int) size > message.length) {
                            message = Arrays.copyOf(message, Math.max(message.length * 2, messageLength + (int) size));
                        }
                        System.arraycopy(a, from, message, messageLength, (int) size);
                        messageLength += (int) size;
                        if (fin) {
                            received(message, 0, messageLength);
                            messageLength = 0;
                        }
                    }
                }
            }
        }
        in.compact();
    }

    private void received(byte[] frame, int from, int length) {
        long now = System.nanoTime();
        frames.incrementAndGet();
        boolean ack = indexOf(frame, length, ACK, from) >= 0;
        if (indexOf(frame, length, ERROR, from) >= 0) {
            sink.failed(new String(frame, from, length - from, StandardCharsets.UTF_8));
        }
        for (int at = indexOf(frame, length, MARK, from); at >= 0; at = indexOf(frame, length, MARK, at + 1)) {
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
        ByteBuffer b = ByteBuffer.wrap(f);
        writing.lock();
        try {
            // Non-blocking once open: a full send buffer (a server not reading) is waited out here.
            while (b.hasRemaining()) {
                if (channel.write(b) == 0) {
                    LockSupport.parkNanos(100_000);
                }
            }
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

    void closeQuietly() {
        open = false;
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // already closed
        }
    }
}

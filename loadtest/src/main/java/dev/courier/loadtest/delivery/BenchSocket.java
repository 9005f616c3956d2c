package dev.courier.loadtest.delivery;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One member's WebSocket. Every benchmark message's text is {@code bench:<sendNanos>:<sender>:<seq>},
 * so whatever the frame's shape, the receive time minus the send time (same JVM, same clock) is the
 * send-to-delivery latency. The sender's own copies are not counted.
 */
final class BenchSocket implements WebSocket.Listener {

    static final Pattern MARK = Pattern.compile("bench:(\\d+):(\\d+):(\\d+)");

    interface Sink {
        void delivered(long latencyNanos, int sender, int receiver, boolean crossReplica);

        /** The server acknowledged a send made over this socket (after its commit). */
        void acknowledged(long latencyNanos);

        void failed(String frame);
    }

    final int member;
    final int replica;
    private final Sink sink;
    private final int[] replicaOfMember;
    private final StringBuilder partial = new StringBuilder();
    final AtomicLong frames = new AtomicLong();
    volatile WebSocket socket;

    BenchSocket(int member, int replica, int[] replicaOfMember, Sink sink) {
        this.member = member;
        this.replica = replica;
        this.replicaOfMember = replicaOfMember;
        this.sink = sink;
    }

    CompletableFuture<WebSocket> connect(HttpClient http, String url, String token) {
        return http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .buildAsync(URI.create(url), this)
                .thenApply(ws -> socket = ws);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        long now = System.nanoTime();
        partial.append(data);
        if (last) {
            frames.incrementAndGet();
            boolean ack = partial.indexOf("\"type\":\"ack\"") >= 0;
            if (partial.indexOf("\"type\":\"error\"") >= 0) {
                sink.failed(partial.toString());
            }
            Matcher m = MARK.matcher(partial);
            while (m.find()) {
                int sender = Integer.parseInt(m.group(2));
                if (ack && sender == member) {
                    sink.acknowledged(now - Long.parseLong(m.group(1)));
                } else if (!ack && sender != member) {
                    sink.delivered(now - Long.parseLong(m.group(1)), sender, member, replicaOfMember[sender] != replica);
                }
            }
            partial.setLength(0);
        }
        ws.request(1);
        return null;
    }

    /** Sends one frame; a sender thread owns its socket, so sends never overlap. */
    void send(String frame) {
        socket.sendText(frame, true).join();
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        System.err.println("socket of member " + member + " failed: " + error);
    }
}

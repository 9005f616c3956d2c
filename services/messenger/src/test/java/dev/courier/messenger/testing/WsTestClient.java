package dev.courier.messenger.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import dev.courier.platform.http.Json;

/** A real WebSocket client (JDK) that collects the server's JSON frames. */
public final class WsTestClient implements WebSocket.Listener, AutoCloseable {

    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket ws;

    public static WsTestClient connect(String url, Map<String, String> headers) {
        WsTestClient c = new WsTestClient();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(b::header);
        c.ws = b.buildAsync(URI.create(url), c).join();
        return c;
    }

    public static WsTestClient connect(String url) {
        return connect(url, Map.of());
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                frames.add(Json.MAPPER.readTree(partial.toString()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    public void send(Object frame) {
        sendText(frame instanceof String s ? s : Json.writeString(frame));
    }

    public void sendText(String text) {
        ws.sendText(text, true).join();
    }

    /** The next frame matching, waiting up to the timeout; frames before it are kept in {@link #seen()}. */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("No matching frame in " + timeout + "; saw " + seen);
            }
            JsonNode f;
            try {
                f = frames.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (f == null) {
                continue;
            }
            seen.add(f);
            if (match.test(f)) {
                return f;
            }
        }
    }

    public JsonNode awaitType(String type) {
        return await(f -> type.equals(f.path("type").asText()), Duration.ofSeconds(15));
    }

    /** Every frame received within the window (after those already consumed). */
    public List<JsonNode> drain(Duration window) {
        List<JsonNode> out = new ArrayList<>();
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            try {
                JsonNode f = frames.poll(50, TimeUnit.MILLISECONDS);
                if (f != null) {
                    seen.add(f);
                    out.add(f);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    public List<JsonNode> seen() {
        return seen;
    }

    /** The close code the server sent, waiting up to the timeout. */
    public int awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("The socket was not closed within " + timeout);
        }
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        ws.abort();
    }
}

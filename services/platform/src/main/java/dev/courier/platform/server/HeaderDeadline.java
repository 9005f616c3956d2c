package dev.courier.platform.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Cuts a connection whose request headers take longer than {@code courier.http.headertimeoutseconds}
 * to arrive after its request line: a client sending a byte a second would otherwise hold the
 * connection (and its thread) for as long as it likes, since Helidon's read timeout counts each read
 * and its idle-connection timeout (which does cover a slow request line) stops counting once the
 * request line has arrived. Helidon's HTTP/1 receive listener says when a request line and when
 * its headers are complete; a sweeper closes the sockets of requests still without headers after
 * the deadline. Bodies, responses and upgraded WebSockets are never timed.
 */
final class HeaderDeadline implements Http1ConnectionListener {

    static final Duration DEFAULT = Duration.ofSeconds(10);
    private static final long SWEEP_MILLIS = 250;

    /**
     * Connections of every server in this JVM between request line and headers, with when their
     * headers are due (weak keys: a connection that went away leaves). One sweeper serves them all.
     */
    private static final Map<ConnectionContext, Long> WAITING = Collections.synchronizedMap(new WeakHashMap<>());

    static {
        Thread sweeper = new Thread(HeaderDeadline::sweep, "courier-header-deadline");
        sweeper.setDaemon(true);
        sweeper.start();
    }

    private final long deadlineNanos;

    HeaderDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        WAITING.put(ctx, System.nanoTime() + deadlineNanos);
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        WAITING.remove(ctx);
    }

    private static void sweep() {
        while (true) {
            try {
                Thread.sleep(SWEEP_MILLIS);
                long now = System.nanoTime();
                List<ConnectionContext> late = new ArrayList<>();
                synchronized (WAITING) {
                    WAITING.forEach((ctx, due) -> {
                        if (now - due > 0) {
                            late.add(ctx);
                        }
                    });
                    late.forEach(WAITING::remove);
                }
                for (ConnectionContext ctx : late) {
                    try {
                        ctx.serverSocket().close();
                    } catch (RuntimeException e) {
                        // Already closed by the client: nothing left to cut.
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                System.getLogger(HeaderDeadline.class.getName()).log(System.Logger.Level.WARNING, "header deadline sweep failed", e);
            }
        }
    }
}

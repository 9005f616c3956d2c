package dev.courier.loadtest.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one thread that reads every open {@link BenchSocket}: a selector over their channels. At
 * 20,000 frames a second on a core shared with the database, one thread draining whichever sockets
 * are readable costs a fraction of a thread per socket woken per frame; a read that finds several
 * frames queued handles them all.
 */
final class Reactor implements Runnable {

    static final Reactor INSTANCE = new Reactor();

    private final Selector selector;
    private final ConcurrentLinkedQueue<BenchSocket> joining = new ConcurrentLinkedQueue<>();

    private Reactor() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofPlatform().daemon().name("bench-reactor").start(this);
    }

    /** Reads {@code socket} from now on (its channel non-blocking, its handshake done). */
    void register(BenchSocket socket) {
        joining.add(socket);
        selector.wakeup();
    }

    @Override
    public void run() {
        while (true) {
            try {
                selector.select();
                for (BenchSocket s; (s = joining.poll()) != null; ) {
                    try {
                        s.channel().register(selector, SelectionKey.OP_READ, s);
                        // Frames that arrived with the handshake's answer.
                        s.parse();
                    } catch (IOException e) {
                        // Closed before it got here, or its first frames were not WebSocket frames.
                        s.closeQuietly();
                    }
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid() && !((BenchSocket) key.attachment()).readable()) {
                        key.cancel();
                    }
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("bench reactor: " + e);
            }
        }
    }
}

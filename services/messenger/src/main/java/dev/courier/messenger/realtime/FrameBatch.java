package dev.courier.messenger.realtime;

import java.nio.charset.StandardCharsets;

import dev.courier.messenger.observability.MessengerMetrics;

/**
 * WebSocket text frames gathered by one writer pass and written to the socket in one call: a
 * socket with several frames waiting costs one system call, not one per frame. Server frames are
 * unmasked (RFC 6455, 5.1), so each is a two to ten byte header and the UTF-8 payload.
 */
final class FrameBatch {

    /** Past this many bytes the batch is written before more is added (a backlog is not gathered whole). */
    static final int FLUSH_AT = 64 * 1024;
    private static final byte[] CURSOR = "{\"cursor\":".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int len;

    boolean isEmpty() {
        return len == 0;
    }

    boolean full() {
        return len >= FLUSH_AT;
    }

    byte[] bytes() {
        return buf;
    }

    int length() {
        return len;
    }

    void clear() {
        len = 0;
    }

    /** A frame of text as it is. */
    void text(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        header(payload.length);
        System.arraycopy(payload, 0, buf, len, payload.length);
        len += payload.length;
    }

    /** An event's frame for one recipient: {@code {"cursor":N} spliced before the shared bytes. */
    void event(long cursor, EventFrame e) {
        int digits = digits(cursor);
        int size = CURSOR.length + digits + (e.fields ? 1 : 0) + e.rest.length;
        header(size);
        System.arraycopy(CURSOR, 0, buf, len, CURSOR.length);
        len += CURSOR.length;
        long v = cursor;
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += digits;
        if (e.fields) {
            buf[len++] = ',';
        }
        System.arraycopy(e.rest, 0, buf, len, e.rest.length);
        len += e.rest.length;
    }

    /** Decimal digits of a cursor (cursors start at 1). */
    private static int digits(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative cursor " + v);
        }
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** A final text frame's header for a payload of {@code size} bytes, with room made for the payload. */
    private void header(int size) {
        MessengerMetrics.frameSent();
        ensure(10 + size);
        buf[len++] = (byte) 0x81;
        if (size < 126) {
            buf[len++] = (byte) size;
        } else if (size <= 0xFFFF) {
            buf[len++] = 126;
            buf[len++] = (byte) (size >>> 8);
            buf[len++] = (byte) size;
        } else {
            buf[len++] = 127;
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[len++] = (byte) ((long) size >>> shift);
            }
        }
    }

    private void ensure(int more) {
        if (buf == null) {
            // Sized for the usual pass, one frame; grown when more are waiting.
            buf = new byte[Math.max(512, more)];
        } else if (len + more > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}

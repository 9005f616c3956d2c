package dev.courier.messenger.realtime;

import java.nio.charset.StandardCharsets;

/**
 * A committed event as its recipients' sockets are sent it, encoded once for all of them: each
 * recipient's frame is {@code {"cursor":N,} followed by these bytes, the stored object after its
 * opening brace (the same text as {@link dev.courier.messenger.events.EventStream#withCursor}).
 */
final class EventFrame {

    /** The stored event's UTF-8 bytes after its opening brace. */
    final byte[] rest;
    /** Whether the stored event has fields, so the cursor needs a comma after it. */
    final boolean fields;

    EventFrame(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        this.rest = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        this.fields = json.length() > 2;
    }
}

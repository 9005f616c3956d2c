package dev.courier.messenger.events;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builders of the JSON objects stored in the user event log and pushed as WebSocket frames. */
public final class Events {

    private Events() {
    }

    /** A frame of {@code type} with alternating key/value pairs; null values are left out. */
    public static Map<String, Object> of(String type, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}

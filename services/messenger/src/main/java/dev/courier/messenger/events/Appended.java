package dev.courier.messenger.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One committed event of the stream: its position, its chat, the event as sent (a JSON object
 * without its cursor; null when it travelled without it and must be read back) and the users
 * whose membership it began or ended. Carried to the other replicas after the commit, so they
 * can route and deliver it without reading it back.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Appended(long pos, long conversationId, String json, List<Long> joined, List<Long> left) {

    public Appended {
        joined = joined == null ? List.of() : List.copyOf(joined);
        left = left == null ? List.of() : List.copyOf(left);
    }

    /** The same event without its JSON (too large to carry in a signal). */
    public Appended withoutJson() {
        return new Appended(pos, conversationId, null, joined, left);
    }
}

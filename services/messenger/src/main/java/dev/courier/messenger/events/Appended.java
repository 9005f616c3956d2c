package dev.courier.messenger.events;

import java.util.List;

/**
 * What one {@link UserEventLog#append} wrote: the event as stored (a JSON object without its
 * cursor) and the cursor each user got for it. Carried to the other replicas after the commit so
 * they can deliver the event without reading it back when a socket is caught up.
 */
public record Appended(String json, List<Entry> entries) {

    public Appended {
        entries = List.copyOf(entries);
    }

    /** One user's copy of the event. */
    public record Entry(long userId, long cursor) {
    }

    /** The users who got this event. */
    public List<Long> userIds() {
        return entries.stream().map(Entry::userId).toList();
    }
}

package dev.courier.stats.counts;

/**
 * What a counter counts. Codes are stored in {@code counters.metric}; never renumber them.
 * "Received" is one per recipient per message (a message to a room of five members is received
 * four times); "sent" and "messages" are one per message.
 */
public enum Metric {
    /** Every message, subject 0. */
    MESSAGES(1),
    /** Every delivery (recipient of a message), subject 0. */
    RECEIVED(2),
    /** Messages a user sent; subject = sender id. */
    USER_SENT(3),
    /** Messages a user received; subject = recipient id. */
    USER_RECEIVED(4),
    /** Messages in a chat; subject = conversation id. */
    CHAT(5);

    private final short code;

    Metric(int code) {
        this.code = (short) code;
    }

    public short code() {
        return code;
    }

    /** Whether the counter is kept per user or chat (rather than as one total). */
    public boolean subjectBound() {
        return this != MESSAGES && this != RECEIVED;
    }
}

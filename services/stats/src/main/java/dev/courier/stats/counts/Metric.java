package dev.courier.stats.counts;

import java.util.List;

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

    /**
     * The grains this metric's counters are kept at, coarsest first. Totals have every grain;
     * per-user and per-chat counters only whole days (and 32 days): at minute or hour grain they
     * would hold about one row per message, and the partial days at a range's edges are read
     * from the indexed raw rows of that one user or chat instead.
     */
    public List<Grain> grains() {
        return subjectBound() ? List.of(Grain.DAYS32, Grain.DAY) : Grain.COARSEST_FIRST;
    }

    /** Whether the counter is kept per user or chat (rather than as one total). */
    public boolean subjectBound() {
        return this != MESSAGES && this != RECEIVED;
    }
}

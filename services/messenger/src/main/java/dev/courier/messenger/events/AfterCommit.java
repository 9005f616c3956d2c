package dev.courier.messenger.events;

import java.util.List;

/** What happens once a change is committed: cross-replica fan-out, and a nudge to the outbox relay. */
public interface AfterCommit {

    /**
     * These events were committed to their users' logs; {@code outbox} says whether an outbox row
     * was written in the same transaction.
     */
    void committed(List<Appended> appended, boolean outbox);
}

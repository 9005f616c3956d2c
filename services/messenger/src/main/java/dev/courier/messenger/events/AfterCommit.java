package dev.courier.messenger.events;

import java.util.Collection;

/** What happens once a change is committed: cross-replica signal, and a nudge to the outbox relay. */
public interface AfterCommit {

    /** These users have new events in their log; {@code outbox} says whether an outbox row was written. */
    void committed(Collection<Long> userIds, boolean outbox);
}

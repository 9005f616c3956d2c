package dev.courier.stats.processing;

import java.util.Map;
import java.util.TreeMap;

import dev.courier.stats.counts.Grain;
import dev.courier.stats.counts.Metric;

/**
 * The counter increments of one batch, summed per counter row in memory so each row is written
 * once per batch. Kept sorted, so concurrent consumers lock rows in the same order (no deadlock).
 */
final class Tally {

    record Key(short metric, long subject, int grain, long bucket) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Short.compare(metric, o.metric);
            if (c == 0) {
                c = Long.compare(subject, o.subject);
            }
            if (c == 0) {
                c = Integer.compare(grain, o.grain);
            }
            return c != 0 ? c : Long.compare(bucket, o.bucket);
        }
    }

    private final Map<Key, Long> counts = new TreeMap<>();

    /** One new message: one sent, one in its chat, one received per recipient, at each metric's grains. */
    void add(RecordedMessage m) {
        long second = m.createdAt().getEpochSecond();
        add(Metric.MESSAGES, 0, second, 1);
        add(Metric.RECEIVED, 0, second, m.recipientIds().length);
        add(Metric.USER_SENT, m.senderId(), second, 1);
        add(Metric.CHAT, m.conversationId(), second, 1);
        for (long r : m.recipientIds()) {
            add(Metric.USER_RECEIVED, r, second, 1);
        }
    }

    private void add(Metric metric, long subject, long second, long n) {
        if (n == 0) {
            return;
        }
        for (Grain g : metric.grains()) {
            counts.merge(new Key(metric.code(), subject, g.seconds(), g.floor(second)), n, Long::sum);
        }
    }

    Map<Key, Long> counts() {
        return counts;
    }

    boolean isEmpty() {
        return counts.isEmpty();
    }
}

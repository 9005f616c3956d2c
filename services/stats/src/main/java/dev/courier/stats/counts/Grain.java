package dev.courier.stats.counts;

import java.util.List;

/**
 * Bucket lengths the counters are kept at, each a multiple of the next finer one and aligned to
 * the Unix epoch (UTC days). The 32-day grain keeps a range of decades to a few hundred buckets.
 */
public enum Grain {
    MINUTE(60),
    HOUR(3_600),
    DAY(86_400),
    DAYS32(32 * 86_400);

    /** Coarsest first, as the range decomposition wants them. */
    public static final List<Grain> COARSEST_FIRST = List.of(DAYS32, DAY, HOUR, MINUTE);

    private final int seconds;

    Grain(int seconds) {
        this.seconds = seconds;
    }

    public int seconds() {
        return seconds;
    }

    /** Start of the bucket holding {@code second}. */
    public long floor(long second) {
        return Math.floorDiv(second, seconds) * seconds;
    }

    /** Start of the first bucket at or after {@code second}. */
    public long ceil(long second) {
        long f = floor(second);
        return f == second ? f : f + seconds;
    }
}

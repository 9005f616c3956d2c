package dev.courier.stats.counts;

import java.util.ArrayList;
import java.util.List;

/**
 * A piece of a time range {@code [from, to)} in Unix seconds, answered either from whole buckets of
 * one grain or, when {@code grain} is null, from raw rows (the partial minutes at a range's edges).
 */
public record Span(Grain grain, long from, long to) {

    public boolean raw() {
        return grain == null;
    }

    /**
     * Splits {@code [since, to)} into the fewest whole buckets, coarsest in the middle and finer
     * towards the edges, plus at most two raw pieces (less than two minutes in all). A range of N years is
     * a few hundred buckets at most, whatever the data volume.
     */
    public static List<Span> decompose(long since, long to) {
        return decompose(since, to, Grain.COARSEST_FIRST);
    }

    /** Like {@link #decompose(long, long)} with only the given grains (coarsest first). */
    public static List<Span> decompose(long since, long to, List<Grain> grains) {
        List<Span> out = new ArrayList<>();
        split(since, to, grains, 0, out);
        return out;
    }

    private static void split(long since, long to, List<Grain> grains, int level, List<Span> out) {
        if (since >= to) {
            return;
        }
        for (int i = level; i < grains.size(); i++) {
            Grain g = grains.get(i);
            long a = g.ceil(since);
            long b = g.floor(to);
            if (a < b) {
                split(since, a, grains, i + 1, out);
                out.add(new Span(g, a, b));
                split(b, to, grains, i + 1, out);
                return;
            }
        }
        out.add(new Span(null, since, to));
    }
}

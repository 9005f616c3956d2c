package dev.courier.stats.counts;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

class SpanTest {

    @Test
    void anyRangeIsCoveredExactlyOnceByAlignedBucketsAndShortRawEdges() {
        Random random = new Random(5);
        for (int i = 0; i < 10_000; i++) {
            long since = (long) (random.nextDouble() * 4_000_000_000L);
            long to = since + (long) (Math.pow(random.nextDouble(), 3) * 3_000_000_000L);
            List<Span> spans = Span.decompose(since, to);
            long at = since;
            int raw = 0;
            long rawSeconds = 0;
            for (Span s : spans) {
                assertThat(s.from(), is(at));
                if (s.raw()) {
                    raw++;
                    rawSeconds += s.to() - s.from();
                } else {
                    assertThat(s.from() % s.grain().seconds(), is(0L));
                    assertThat(s.to() % s.grain().seconds(), is(0L));
                }
                at = s.to();
            }
            assertThat(at, is(to == since ? since : to));
            // raw rows are read for less than two minutes of any range
            assertThat(raw <= 2, is(true));
            assertThat(rawSeconds, lessThan(120L));
            // a century is a bounded number of pieces, whatever its length
            assertThat(spans.size() <= 9, is(true));
        }
    }

    @Test
    void anAlignedDayIsOneBucket() {
        assertThat(Span.decompose(86_400, 2 * 86_400), is(List.of(new Span(Grain.DAY, 86_400, 2 * 86_400))));
        assertThat(Span.decompose(10, 20), is(List.of(new Span(null, 10, 20))));
        assertThat(Span.decompose(5, 5), is(List.of()));
    }
}

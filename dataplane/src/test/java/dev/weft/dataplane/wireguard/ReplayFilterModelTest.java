package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The replay window against the simplest correct model: a counter is accepted iff it was
 * never accepted, is below the limit, and is not more than WINDOW_SIZE behind the highest
 * accepted counter. Counter sequences mix steady progress, reordering, replays and jumps.
 */
class ReplayFilterModelTest {

    private static final long LIMIT = -1L - (1L << 13);

    @Property(tries = 300)
    void behavesLikeTheModel(@ForAll @Size(min = 1, max = 400) List<@IntRange(min = -3000, max = 3000) Integer> steps,
                             @ForAll @IntRange(min = 0, max = 5) int jumpEvery) {
        ReplayFilter filter = new ReplayFilter();
        Set<Long> accepted = new HashSet<>();
        long highest = -1;
        long cursor = 0;
        int i = 0;
        for (int step : steps) {
            i++;
            if (jumpEvery > 0 && i % (jumpEvery * 37) == 0) {
                cursor += 100_000;
            }
            long counter = Math.max(0, cursor + step);
            cursor = Math.max(cursor, counter);
            boolean expected = !accepted.contains(counter)
                    && (highest < 0 || counter > highest || highest - counter <= ReplayFilter.WINDOW_SIZE);
            boolean actual = filter.validate(counter, LIMIT);
            assertEquals(expected, actual, "counter " + counter + " with highest " + highest);
            if (actual) {
                accepted.add(counter);
                highest = Math.max(highest, counter);
            }
            // A replay of anything accepted is always refused.
            assertEquals(false, filter.validate(counter, LIMIT));
        }
    }

    @Property(tries = 50)
    void neverAcceptsAtOrAboveTheLimit(@ForAll @IntRange(min = 0, max = 1000) int below) {
        ReplayFilter filter = new ReplayFilter();
        assertEquals(false, filter.validate(LIMIT, LIMIT));
        assertEquals(false, filter.validate(-1L, LIMIT));
        assertEquals(true, filter.validate(LIMIT - 1 - below, LIMIT));
    }
}

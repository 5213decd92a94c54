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
    void behavesLikeTheModel(@ForAll @Size(min = 1, max = 400) List<@IntRange(min = -10000, max = 10000) Integer> steps,
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

    /**
     * Counters 0..n-1 delivered in an order where none arrives more than {@code maxLag}
     * behind the highest seen so far (blocks of maxLag+1 shuffled, and at times a block
     * reversed: its first counter arrives maxLag late), as decryption on several cores
     * produces: every one is accepted exactly once.
     */
    @Property(tries = 30)
    void acceptsEveryCounterReorderedByUpTo8000(@ForAll @IntRange(min = 1, max = 8000) int maxLag,
                                                @ForAll @IntRange(min = 1, max = 40_000) int n,
                                                @ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        ReplayFilter filter = new ReplayFilter();
        for (int blockStart = 0; blockStart < n; blockStart += maxLag + 1) {
            int blockEnd = Math.min(n, blockStart + maxLag + 1);
            List<Long> block = new java.util.ArrayList<>();
            for (long c = blockStart; c < blockEnd; c++) {
                block.add(c);
            }
            if (random.nextBoolean()) {
                java.util.Collections.reverse(block);
            } else {
                java.util.Collections.shuffle(block, random);
            }
            for (long c : block) {
                assertEquals(true, filter.validate(c, LIMIT), "counter " + c + " (reordered by at most " + maxLag + ")");
            }
            for (long c : block) {
                assertEquals(false, filter.validate(c, LIMIT), "replay of " + c);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void windowIsWireguardGosAtLeast8000() {
        ReplayFilter filter = new ReplayFilter();
        assertEquals(true, filter.validate(8000, LIMIT));
        assertEquals(true, filter.validate(0, LIMIT), "8000 behind the newest");
        assertEquals(8128, ReplayFilter.WINDOW_SIZE, "wireguard-go's (ringBlocks-1)*64 with 128 blocks");
    }

    @Property(tries = 50)
    void neverAcceptsAtOrAboveTheLimit(@ForAll @IntRange(min = 0, max = 1000) int below) {
        ReplayFilter filter = new ReplayFilter();
        assertEquals(false, filter.validate(LIMIT, LIMIT));
        assertEquals(false, filter.validate(-1L, LIMIT));
        assertEquals(true, filter.validate(LIMIT - 1 - below, LIMIT));
    }
}

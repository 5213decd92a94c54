package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayFilterTest {

    private static final long LIMIT = Timings.standard().rejectAfterMessages();

    @Test
    void acceptsEachCounterOnce() {
        ReplayFilter filter = new ReplayFilter();
        for (long i = 0; i < 5000; i++) {
            assertTrue(filter.validate(i, LIMIT));
        }
        for (long i = 4000; i < 5000; i++) {
            assertFalse(filter.validate(i, LIMIT), "replay of " + i);
        }
    }

    @Test
    void acceptsReorderingWithinTheWindowAndRefusesOlder() {
        ReplayFilter filter = new ReplayFilter();
        assertTrue(filter.validate(10_000, LIMIT));
        assertTrue(filter.validate(10_000 - ReplayFilter.WINDOW_SIZE, LIMIT), "oldest counter inside the window");
        assertFalse(filter.validate(10_000 - ReplayFilter.WINDOW_SIZE - 1, LIMIT), "just outside");
        assertTrue(filter.validate(9_999, LIMIT));
        assertFalse(filter.validate(9_999, LIMIT));
        assertTrue(filter.validate(10_001, LIMIT));
    }

    @Test
    void bigJumpClearsTheRing() {
        ReplayFilter filter = new ReplayFilter();
        for (long i = 0; i < 100; i++) {
            assertTrue(filter.validate(i, LIMIT));
        }
        long far = 1L << 40;
        assertTrue(filter.validate(far, LIMIT));
        assertTrue(filter.validate(far - 64, LIMIT), "bit left from before the jump must be cleared");
        assertFalse(filter.validate(50, LIMIT));
    }

    @Test
    void refusesCountersAtTheLimit() {
        ReplayFilter filter = new ReplayFilter();
        assertFalse(filter.validate(LIMIT, LIMIT));
        assertFalse(filter.validate(-1L, LIMIT));
        assertTrue(filter.validate(LIMIT - 1, LIMIT));
    }

    @Test
    void matchesASetBasedModelOnRandomSequences() {
        java.util.Random random = new java.util.Random(42);
        ReplayFilter filter = new ReplayFilter();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long highest = -1;
        long base = 0;
        for (int i = 0; i < 50_000; i++) {
            base += random.nextInt(40);
            long counter = Math.max(0, base - random.nextInt(2500));
            boolean expected = !seen.contains(counter) && (highest < 0 || counter > highest
                    || highest - counter <= ReplayFilter.WINDOW_SIZE);
            boolean actual = filter.validate(counter, LIMIT);
            if (expected != actual) {
                throw new AssertionError("counter " + counter + " highest " + highest + " expected " + expected);
            }
            if (actual) {
                seen.add(counter);
                highest = Math.max(highest, counter);
            }
        }
    }
}

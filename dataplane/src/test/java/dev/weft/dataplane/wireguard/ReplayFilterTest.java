package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayFilterTest {
    private static final long LIMIT = -1L - (1L << 13);

    @Test
    void acceptsEachCounterOnceInAnyOrderWithinTheWindow() {
        ReplayFilter f = new ReplayFilter();
        assertTrue(f.validate(0, LIMIT));
        assertFalse(f.validate(0, LIMIT));
        assertTrue(f.validate(5, LIMIT));
        assertTrue(f.validate(3, LIMIT));
        assertFalse(f.validate(3, LIMIT));
        assertTrue(f.validate(10_000, LIMIT));
        assertTrue(f.validate(10_000 - ReplayFilter.WINDOW_SIZE, LIMIT), "oldest still in the window");
        assertFalse(f.validate(10_000 - ReplayFilter.WINDOW_SIZE - 1, LIMIT), "too old");
        assertFalse(f.validate(5, LIMIT), "far behind now");
        assertTrue(f.validate(1_000_000, LIMIT), "big jumps forward");
        assertTrue(f.validate(999_999, LIMIT));
        assertFalse(f.validate(1_000_000, LIMIT));
    }

    @Test
    void refusesCountersAtOrAboveTheLimit() {
        ReplayFilter f = new ReplayFilter();
        assertFalse(f.validate(LIMIT, LIMIT));
        assertFalse(f.validate(-1L, LIMIT), "unsigned comparison");
        assertTrue(f.validate(LIMIT - 1, LIMIT));
    }

    @Test
    void everyCounterInASlidingStreamOnce() {
        ReplayFilter f = new ReplayFilter();
        for (long c = 0; c < 100_000; c += 2) {
            assertTrue(f.validate(c + 1, LIMIT));
            assertTrue(f.validate(c, LIMIT), "reordered by one");
            assertFalse(f.validate(c, LIMIT));
        }
    }
}

package dev.weft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.wireguard.WireGuardOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TestTimersTest {
    private final WireGuardOptions standard = WireGuardOptions.standard();

    @Test
    void unsetLeavesTheStandardTimers() {
        assertSame(standard, TestTimers.fromEnvironment(null, standard));
        assertSame(standard, TestTimers.fromEnvironment(" ", standard));
    }

    @Test
    void scalesEveryTimerAsTheWhitepaperRelatesThem() {
        WireGuardOptions o = TestTimers.fromEnvironment("2s", standard);
        assertEquals(Duration.ofMillis(2000), o.rekeyAfterTime());
        assertEquals(Duration.ofMillis(3000), o.rejectAfterTime());
        assertEquals(Duration.ofMillis(1500), o.rekeyAttemptTime());
        assertEquals(Duration.ofMillis(200), o.rekeyTimeout());
        assertEquals(Duration.ofMillis(200), o.keepaliveTimeout());
        assertEquals(standard.mtu(), o.mtu());
        WireGuardOptions full = TestTimers.fromEnvironment("1m60s", standard);
        assertEquals(standard.rekeyTimeout(), full.rekeyTimeout());
        assertEquals(standard.keepaliveTimeout(), full.keepaliveTimeout());
        assertEquals(standard.rejectAfterTime(), full.rejectAfterTime());
    }

    @Test
    void refusesWhatIsNotAShortDuration() {
        for (String bad : new String[] {"2", "fast", "0.5s", "10m", "121s", "-3s"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> TestTimers.fromEnvironment(bad, standard));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}

package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuspicionTest {
  /** A clock that stands still and records what is scheduled. */
  private static final class StillClock implements Scheduler {
    final List<Long> delays = new ArrayList<>();

    @Override
    public long nowMillis() {
      return 0;
    }

    @Override
    public long wallMillis() {
      return 0;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
      delays.add(delayMillis);
      return () -> {};
    }
  }

  @Test
  void confirmationsShrinkTheTimeoutToTheMinimum() {
    StillClock clock = new StillClock();
    Suspicion s = new Suspicion(CodecTest.id(1), 2, 1_000, 6_000, clock, () -> {});
    assertEquals(6_000, s.timeoutMillis(), "one accuser: the maximum");
    assertFalse(s.confirm(CodecTest.id(1)), "the accuser does not confirm itself");
    assertTrue(s.confirm(CodecTest.id(2)));
    assertFalse(s.confirm(CodecTest.id(2)), "nor does anyone twice");
    assertTrue(s.timeoutMillis() < 6_000 && s.timeoutMillis() > 1_000);
    assertTrue(s.confirm(CodecTest.id(3)));
    assertEquals(1_000, s.timeoutMillis(), "k confirmations: the minimum");
    assertFalse(s.confirm(CodecTest.id(4)), "past k nothing changes");
    assertTrue(s.confirmedByAlready(CodecTest.id(3)));
    assertFalse(s.confirmedByAlready(CodecTest.id(4)));
    assertEquals(3, clock.delays.size(), "re-armed on each confirmation");
    assertEquals(6_000L, clock.delays.get(0));
    assertTrue(clock.delays.get(1) < 6_000 && clock.delays.get(1) > 1_000);
    assertEquals(1_000L, clock.delays.get(2));
  }

  @Test
  void withoutExpectedConfirmationsTheMinimumApplies() {
    Suspicion s = new Suspicion(CodecTest.id(1), 0, 1_000, 6_000, new StillClock(), () -> {});
    assertEquals(1_000, s.timeoutMillis());
    assertFalse(s.confirm(CodecTest.id(2)));
  }
}

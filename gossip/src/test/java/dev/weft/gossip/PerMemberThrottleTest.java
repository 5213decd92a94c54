package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PerMemberThrottleTest {
  private static NodeId id(int i) {
    byte[] b = new byte[NodeId.LENGTH];
    b[0] = (byte) i;
    b[1] = (byte) (i >> 8);
    return NodeId.of(b);
  }

  @Test
  void oncePerIntervalAndMember() {
    PerMemberThrottle t = new PerMemberThrottle(1000);
    assertTrue(t.tryAcquire(id(1), 0));
    assertFalse(t.tryAcquire(id(1), 999));
    assertTrue(t.tryAcquire(id(2), 999), "members are throttled independently");
    assertTrue(t.tryAcquire(id(1), 1000));
  }

  @Test
  void staysBoundedByForgettingEveryone() {
    PerMemberThrottle t = new PerMemberThrottle(1000);
    for (int i = 0; i < PerMemberThrottle.MAX_TRACKED; i++) {
      assertTrue(t.tryAcquire(id(i), 0));
    }
    assertFalse(t.tryAcquire(id(0), 1));
    assertTrue(t.tryAcquire(id(PerMemberThrottle.MAX_TRACKED), 1), "the table is full: it is cleared");
    assertTrue(t.tryAcquire(id(0), 2), "forgotten, so allowed once more");
  }
}

package dev.weft.gossip;

import java.util.HashMap;
import java.util.Map;

/**
 * Lets an action towards one member happen at most once per interval. Bounded: past
 * {@link #MAX_TRACKED} members it forgets them all, which at worst allows one extra action per
 * member; senders are authenticated members, so the bound is never reached in normal use.
 */
final class PerMemberThrottle {
  static final int MAX_TRACKED = 1024;

  private final long intervalMillis;
  private final Map<NodeId, Long> last = new HashMap<>();

  PerMemberThrottle(long intervalMillis) {
    this.intervalMillis = intervalMillis;
  }

  /** Whether the action towards {@code member} may happen now; if so, it counts as done. */
  boolean tryAcquire(NodeId member, long nowMillis) {
    Long before = last.get(member);
    if (before != null && nowMillis - before < intervalMillis) {
      return false;
    }
    if (last.size() >= MAX_TRACKED) {
      last.clear();
    }
    last.put(member, nowMillis);
    return true;
  }
}

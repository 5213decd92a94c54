package dev.weft.gossip;

import java.util.HashMap;
import java.util.Map;

/**
 * Lets each member draw at most {@code perWindow} units of work per window (the ranges of a
 * push-pull answered for it: each costs a scan of the member table). Bounded as
 * {@link PerMemberThrottle}: past {@link PerMemberThrottle#MAX_TRACKED} members it forgets them all.
 */
final class PerMemberBudget {
  private final long windowMillis;
  private final int perWindow;
  private final Map<NodeId, long[]> used = new HashMap<>();

  PerMemberBudget(long windowMillis, int perWindow) {
    this.windowMillis = windowMillis;
    this.perWindow = perWindow;
  }

  /** Whether {@code member} may draw {@code units} now; if so, they are drawn. */
  boolean tryDraw(NodeId member, int units, long nowMillis) {
    long[] w = used.get(member);
    if (w == null || nowMillis - w[0] >= windowMillis) {
      if (used.size() >= PerMemberThrottle.MAX_TRACKED) {
        used.clear();
      }
      w = new long[] {nowMillis, 0};
      used.put(member, w);
    }
    if (w[1] + units > perWindow) {
      return false;
    }
    w[1] += units;
    return true;
  }
}

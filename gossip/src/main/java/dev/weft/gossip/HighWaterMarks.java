package dev.weft.gossip;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What this member last accepted from members it has forgotten (dead or left for longer than the
 * horizon): their last signed alive and record version, kept for as long as their certificate is
 * valid. Signed claims carry no expiry, so without these a replay of an old alive or record would
 * bring a departed member back with stale endpoints and routes. Bounded: past {@link #MAX} the
 * mark that expires first goes.
 */
final class HighWaterMarks {
  static final int MAX = 16_384;

  /** The last alive and record version accepted from a forgotten member, and until when to hold them. */
  record Mark(Update.Alive alive, long recordVersion, long untilWallMillis) {}

  private final Map<NodeId, Mark> marks = new HashMap<>();

  void remember(NodeId id, Update.Alive alive, long recordVersion, long untilWallMillis) {
    Mark old = marks.get(id);
    if (old != null) {
      alive = old.alive.incarnation() > alive.incarnation() ? old.alive : alive;
      recordVersion = Math.max(recordVersion, old.recordVersion);
    } else if (marks.size() >= MAX) {
      evictSoonest();
    }
    marks.put(id, new Mark(alive, recordVersion, untilWallMillis));
  }

  /** The mark of {@code id}, or null. */
  Mark get(NodeId id) {
    return marks.get(id);
  }

  /** Whether an alive of a member not in the table is a replay (at or below its mark). */
  boolean refusesAlive(NodeId id, long incarnation) {
    Mark m = marks.get(id);
    return m != null && incarnation <= m.alive.incarnation();
  }

  /** Whether a record is a replay (at or below the origin's mark). */
  boolean refusesRecord(NodeId origin, long version) {
    Mark m = marks.get(origin);
    return m != null && version <= m.recordVersion;
  }

  /** Drops the marks of certificates that expired: their claims no longer verify anyway. */
  void expire(long wallMillis) {
    marks.values().removeIf(m -> m.untilWallMillis <= wallMillis);
  }

  int size() {
    return marks.size();
  }

  private void evictSoonest() {
    NodeId soonest = null;
    long until = Long.MAX_VALUE;
    for (Iterator<Map.Entry<NodeId, Mark>> it = marks.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<NodeId, Mark> e = it.next();
      if (soonest == null || e.getValue().untilWallMillis < until) {
        soonest = e.getKey();
        until = e.getValue().untilWallMillis;
      }
    }
    marks.remove(soonest);
  }
}

package dev.weft.gossip;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replicated records, one per origin, merged last-writer-wins by version. Merge is
 * commutative, associative and idempotent ({@link Record#compare} is a total order), so members
 * that saw the same records in any order hold the same state. Records that do not verify are
 * never stored.
 */
public final class RecordStore {
  private final Map<NodeId, Record> records = new HashMap<>();
  /** When each tombstone was first stored here, for garbage collection after a horizon. */
  private final Map<NodeId, Long> tombstoneSeen = new HashMap<>();

  /** The outcome of offering a record. */
  enum Merge {
    NEWER,
    NOT_NEWER,
    REJECTED
  }

  /**
   * Offers a record. Verification happens only when the record would win, so repeats of known
   * records cost no signature check.
   */
  Merge merge(Record r, MemberAuthority authority, long nowMillis) {
    Record current = records.get(r.origin());
    if (current != null && Record.compare(r, current) <= 0) {
      return Merge.NOT_NEWER;
    }
    if (!authority.verify(r.origin(), r.signedBytes(), r.signature())) {
      return Merge.REJECTED;
    }
    if (!r.tombstone() && !authority.allowsRecord(r.origin(), r.payload())) {
      return Merge.REJECTED;
    }
    records.put(r.origin(), r);
    if (r.tombstone()) {
      tombstoneSeen.put(r.origin(), nowMillis);
    } else {
      tombstoneSeen.remove(r.origin());
    }
    return Merge.NEWER;
  }

  /** Stores this member's own record, which it has just signed. */
  void putOwn(Record r, long nowMillis) {
    records.put(r.origin(), r);
    if (r.tombstone()) {
      tombstoneSeen.put(r.origin(), nowMillis);
    }
  }

  public Optional<Record> get(NodeId origin) {
    return Optional.ofNullable(records.get(origin));
  }

  /** Version known for {@code origin}, or -1. */
  long version(NodeId origin) {
    Record r = records.get(origin);
    return r == null ? -1 : r.version();
  }

  public Collection<Record> all() {
    return List.copyOf(records.values());
  }

  /** Live (non-tombstone) records. */
  public List<Record> live() {
    List<Record> out = new ArrayList<>();
    for (Record r : records.values()) {
      if (!r.tombstone()) {
        out.add(r);
      }
    }
    return out;
  }

  public int size() {
    return records.size();
  }

  /** Forgets tombstones older than {@code horizonMillis}; returns how many. */
  int collectGarbage(long nowMillis, long horizonMillis) {
    List<NodeId> expired = new ArrayList<>();
    for (var e : tombstoneSeen.entrySet()) {
      if (nowMillis - e.getValue() >= horizonMillis) {
        expired.add(e.getKey());
      }
    }
    for (NodeId id : expired) {
      tombstoneSeen.remove(id);
      records.remove(id);
    }
    return expired.size();
  }

  /** Forgets the record of an origin (a member dead for longer than the horizon). */
  void forget(NodeId origin) {
    records.remove(origin);
    tombstoneSeen.remove(origin);
  }
}

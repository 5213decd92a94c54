package dev.weft.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Range-based set reconciliation of two members' views (after Meyer's "Range-Based Set
 * Reconciliation"): the id space is cut into ranges by the leading bits of the member id, and a
 * range is summarised by its count and an additive fingerprint of its entries. Two members
 * exchange summaries; a range that differs is split into {@link #FANOUT} sub-ranges until it holds
 * at most {@link #LEAF_MAX} entries, and then its entries are sent. So an exchange costs
 * O(differences × log n) bytes, where a full digest costs O(n) (46 bytes per member, both ways).
 *
 * <p>Pure: it sees entries, not members, and decides what to answer; {@link AntiEntropy} sends it.
 * The fingerprint is not cryptographic: a member could choose its own incarnation or record
 * version so that a range's sum collides, which hides only its own news from repair (gossip still
 * carries it), and it cannot change anyone else's entries.
 */
final class RangeSet {
  /** A range with at most this many entries is answered with its entries. */
  static final int LEAF_MAX = 16;
  /** Bits added to the prefix when a range is split: 16 sub-ranges. */
  static final int SPLIT_BITS = 4;
  static final int FANOUT = 1 << SPLIT_BITS;
  /** The deepest prefix; ids that still collide there (never, for real keys) are sent as entries. */
  static final int MAX_DEPTH = 60;
  /** The first exchange's prefix length at most: 64 ranges, one datagram. */
  static final int MAX_TOP_DEPTH = 6;
  /**
   * Up to this depth a view's ranges are accumulated in arrays indexed by prefix (4,096 slots), not
   * a map: a 10,000-member view is scanned for every summary answered, and boxing each entry's
   * prefix was the simulator's top cost at that size.
   */
  static final int ARRAY_DEPTH = 12;

  private RangeSet() {}

  /** The leading 64 bits of an id: its place in the id space. */
  static long position(NodeId id) {
    return id.leadingBits();
  }

  /** The prefix of {@code position} at {@code depth} bits (0 bits: everything is range 0). */
  static long prefix(long position, int depth) {
    return depth == 0 ? 0 : position >>> (64 - depth);
  }

  /** A 64-bit mix of one entry: equal entries, equal hashes; any field changed, another. */
  static long hash(Message.DigestEntry e) {
    long h = mix(e.id().leadingBits() ^ 0x9e3779b97f4a7c15L);
    h = mix(h ^ e.id().trailingBits());
    h = mix(h ^ e.incarnation());
    h = mix(h ^ ((long) e.state().ordinal() << 56) ^ 0x5851f42d4c957f2dL);
    return mix(h ^ e.recordVersion());
  }

  private static long mix(long z) { // splitmix64's finaliser
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The prefix length to start at for a view of {@code n} entries: ranges of about {@link #LEAF_MAX}. */
  static int topDepth(int n) {
    int depth = 0;
    while (depth < MAX_TOP_DEPTH && ((long) n >> depth) > LEAF_MAX) {
      depth++;
    }
    return depth;
  }

  /** Count and fingerprint of one range of one view. */
  record Range(long prefix, int count, long fingerprint) {}

  /** The summary of every non-empty range at {@code depth} (empty ranges are implied). */
  static List<Range> summary(Iterable<Message.DigestEntry> view, int depth) {
    if (depth > ARRAY_DEPTH) {
      throw new IllegalArgumentException("a summary is taken at most " + ARRAY_DEPTH + " bits deep");
    }
    int[] counts = new int[1 << depth];
    long[] sums = new long[1 << depth];
    for (Message.DigestEntry e : view) {
      int p = (int) prefix(position(e.id()), depth);
      counts[p]++;
      sums[p] += hash(e);
    }
    List<Range> out = new ArrayList<>();
    for (int p = 0; p < counts.length; p++) { // in prefix order, unsigned as prefixes are
      if (counts[p] > 0) {
        out.add(new Range(p, counts[p], sums[p]));
      }
    }
    return out;
  }

  /**
   * What to answer a peer's summary of ranges at {@code depth} ({@code complete}: the peer sent
   * every non-empty range at that depth, so a range it left out is empty there): sub-range
   * summaries for ranges that differ and hold more than {@link #LEAF_MAX} of this view's entries,
   * and this view's entries of the others.
   */
  record Answer(int childDepth, List<Range> children, List<LeafEntries> leaves) {}

  /** This view's entries of one range, sent so that the peer can fetch and push exactly the differences. */
  record LeafEntries(int depth, long prefix, List<Message.DigestEntry> entries) {}

  private static final class Acc {
    int count;
    long fingerprint;
    final int[] childCount = new int[FANOUT];
    final long[] childFingerprint = new long[FANOUT];
    List<Message.DigestEntry> entries = new ArrayList<>();
  }

  static Answer answer(Iterable<Message.DigestEntry> view, int depth, List<Range> theirs, boolean complete) {
    if (depth < 0 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException("range depth out of bounds: " + depth);
    }
    Map<Long, Range> asked = new HashMap<>();
    for (Range r : theirs) {
      asked.put(r.prefix, r);
    }
    Map<Long, Acc> mine = new HashMap<>();
    Acc[] byPrefix = depth <= ARRAY_DEPTH ? new Acc[1 << depth] : null;
    long[] askedPrefixes = new long[theirs.size()];
    for (int i = 0; i < askedPrefixes.length; i++) {
      askedPrefixes[i] = theirs.get(i).prefix;
    }
    java.util.Arrays.sort(askedPrefixes); // signed order is enough for a membership test
    for (Message.DigestEntry e : view) {
      long pos = position(e.id());
      long p = prefix(pos, depth);
      if (!complete && java.util.Arrays.binarySearch(askedPrefixes, p) < 0) {
        continue;
      }
      Acc a;
      if (byPrefix != null) {
        a = byPrefix[(int) p];
        if (a == null) {
          a = byPrefix[(int) p] = new Acc();
        }
      } else {
        a = mine.computeIfAbsent(p, x -> new Acc());
      }
      long h = hash(e);
      a.count++;
      a.fingerprint += h;
      if (depth + SPLIT_BITS <= MAX_DEPTH) {
        int child = (int) (prefix(pos, depth + SPLIT_BITS) & (FANOUT - 1));
        a.childCount[child]++;
        a.childFingerprint[child] += h;
      }
      if (a.entries != null) {
        a.entries.add(e);
        if (a.entries.size() > LEAF_MAX && depth + SPLIT_BITS <= MAX_DEPTH) {
          a.entries = null; // it will be split, not listed
        }
      }
    }
    if (byPrefix != null) {
      for (int p = 0; p < byPrefix.length; p++) {
        if (byPrefix[p] != null) {
          mine.put((long) p, byPrefix[p]);
        }
      }
    }
    List<Range> children = new ArrayList<>();
    List<LeafEntries> leaves = new ArrayList<>();
    // Ranges the peer has: compare. Ranges only this view has (complete summaries only): differ.
    Map<Long, Acc> differing = new HashMap<>();
    for (Range r : theirs) {
      Acc a = mine.get(r.prefix);
      if (a == null) {
        if (r.count > 0) {
          leaves.add(new LeafEntries(depth, r.prefix, List.of())); // all of theirs are news here
        }
      } else if (a.count != r.count || a.fingerprint != r.fingerprint) {
        differing.put(r.prefix, a);
      }
    }
    if (complete) {
      mine.forEach((p, a) -> {
        if (!asked.containsKey(p)) {
          differing.put(p, a);
        }
      });
    }
    List<Long> order = new ArrayList<>(differing.keySet());
    order.sort(Long::compareUnsigned);
    for (long p : order) {
      Acc a = differing.get(p);
      if (a.entries != null) {
        leaves.add(new LeafEntries(depth, p, List.copyOf(a.entries)));
      } else {
        for (int c = 0; c < FANOUT; c++) {
          // Empty children are sent too: the peer must learn that this view has nothing there.
          children.add(new Range((p << SPLIT_BITS) | c, a.childCount[c], a.childFingerprint[c]));
        }
      }
    }
    return new Answer(depth + SPLIT_BITS, children, leaves);
  }

  /** This view's entries of the range {@code prefix} at {@code depth}. */
  static List<Message.DigestEntry> entriesIn(Iterable<Message.DigestEntry> view, int depth, long prefix) {
    List<Message.DigestEntry> out = new ArrayList<>();
    for (Message.DigestEntry e : view) {
      if (prefix(position(e.id()), depth) == prefix) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Whether {@code mine} is news to a member holding {@code theirs} (null: it holds nothing
   * about that member): a higher incarnation, a later state at one incarnation, a newer record;
   * a member it never heard of only when up or dead (a departed member is not taught again).
   */
  static boolean newer(Message.DigestEntry mine, Message.DigestEntry theirs) {
    if (theirs == null) {
      return mine.state().isUp() || mine.state() == MemberState.DEAD;
    }
    return mine.incarnation() > theirs.incarnation()
        || mine.incarnation() == theirs.incarnation() && mine.state().ordinal() > theirs.state().ordinal()
        || mine.recordVersion() > theirs.recordVersion();
  }
}

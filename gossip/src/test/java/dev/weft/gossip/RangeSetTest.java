package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Range reconciliation between two views, driven as {@link AntiEntropy} drives it: any two views
 * converge in one exchange, and the exchange costs in proportion to their differences, not to
 * their size.
 */
class RangeSetTest {
  private static final MemberState[] STATES = {MemberState.ALIVE, MemberState.SUSPECT, MemberState.DEAD};

  /** One side of the exchange: a view, merged by component as a member merges claims and records. */
  static final class View {
    final Map<NodeId, Message.DigestEntry> entries = new HashMap<>();

    void merge(Message.DigestEntry e) {
      Message.DigestEntry m = entries.get(e.id());
      if (m == null) {
        entries.put(e.id(), e);
        return;
      }
      boolean member = e.incarnation() > m.incarnation()
          || e.incarnation() == m.incarnation() && e.state().ordinal() > m.state().ordinal();
      entries.put(e.id(), new Message.DigestEntry(e.id(), member ? e.incarnation() : m.incarnation(),
          member ? e.state() : m.state(), Math.max(e.recordVersion(), m.recordVersion())));
    }

    Map<NodeId, Message.DigestEntry> sorted() {
      return new TreeMap<>(entries);
    }
  }

  /** What one exchange sent: ranges, entries listed, entries fetched or pushed. */
  record Cost(long ranges, long listed, long moved, long messages) {}

  private record Envelope(View to, View from, Message message) {}

  /** One push-pull by ranges from {@code a} to {@code b}, nothing lost; returns its cost. */
  static Cost exchange(View a, View b) {
    long ranges = 0;
    long listed = 0;
    long moved = 0;
    long messages = 0;
    Deque<Envelope> wire = new ArrayDeque<>();
    int depth = RangeSet.topDepth(a.entries.size());
    wire.add(new Envelope(b, a, new Message.Ranges(depth, true, 0, RangeSet.summary(a.entries.values(), depth))));
    while (!wire.isEmpty()) {
      Envelope env = wire.poll();
      messages++;
      switch (env.message()) {
        case Message.Ranges r -> {
          ranges += r.ranges().size();
          RangeSet.Answer ans = RangeSet.answer(List.copyOf(env.to().entries.values()), r.depth(), r.ranges(), r.complete());
          if (!ans.children().isEmpty()) {
            wire.add(new Envelope(env.from(), env.to(), new Message.Ranges(ans.childDepth(), false, 0, ans.children())));
          }
          for (RangeSet.LeafEntries l : ans.leaves()) {
            wire.add(new Envelope(env.from(), env.to(), new Message.RangeEntries(l.depth(), l.prefix(), l.entries())));
          }
        }
        case Message.RangeEntries r -> {
          listed += r.entries().size();
          View me = env.to();
          View peer = env.from();
          Map<NodeId, Message.DigestEntry> theirs = new HashMap<>();
          for (Message.DigestEntry e : r.entries()) {
            theirs.put(e.id(), e);
          }
          for (Message.DigestEntry e : r.entries()) {
            if (RangeSet.newer(e, me.entries.get(e.id()))) {
              me.merge(peer.entries.get(e.id())); // fetched
              moved++;
            }
          }
          for (Message.DigestEntry mine : RangeSet.entriesIn(List.copyOf(me.entries.values()), r.depth(), r.prefix())) {
            if (RangeSet.newer(mine, theirs.get(mine.id()))) {
              peer.merge(mine); // pushed
              moved++;
            }
          }
        }
        default -> throw new AssertionError(env.message());
      }
    }
    return new Cost(ranges, listed, moved, messages);
  }

  static NodeId randomId(Random r) {
    byte[] k = new byte[NodeId.LENGTH];
    r.nextBytes(k);
    return NodeId.of(k);
  }

  static Message.DigestEntry randomEntry(NodeId id, Random r) {
    return new Message.DigestEntry(id, r.nextInt(3), STATES[r.nextInt(STATES.length)], r.nextInt(4) - 1);
  }

  /** Two views of {@code n} shared members, then {@code d} differences made on either side. */
  static View[] pair(int n, int d, long seed) {
    Random r = new Random(seed);
    View a = new View();
    View b = new View();
    List<NodeId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NodeId id = randomId(r);
      ids.add(id);
      Message.DigestEntry e = randomEntry(id, r);
      a.entries.put(id, e);
      b.entries.put(id, e);
    }
    for (int i = 0; i < d; i++) {
      View side = r.nextBoolean() ? a : b;
      if (ids.isEmpty() || r.nextInt(3) == 0) {
        NodeId id = randomId(r); // a member only one side knows
        side.entries.put(id, new Message.DigestEntry(id, r.nextInt(3), STATES[r.nextInt(2)], r.nextInt(4) - 1));
      } else {
        NodeId id = ids.get(r.nextInt(ids.size()));
        Message.DigestEntry old = side.entries.get(id);
        side.entries.put(id, switch (r.nextInt(3)) {
          case 0 -> new Message.DigestEntry(id, old.incarnation() + 1, MemberState.ALIVE, old.recordVersion());
          case 1 -> new Message.DigestEntry(id, old.incarnation(), MemberState.DEAD, old.recordVersion());
          default -> new Message.DigestEntry(id, old.incarnation(), old.state(), old.recordVersion() + 1);
        });
      }
    }
    return new View[] {a, b};
  }

  /** The merge of both views: what each must hold after the exchange. */
  static Map<NodeId, Message.DigestEntry> union(View a, View b) {
    View u = new View();
    a.entries.values().forEach(u::merge);
    b.entries.values().forEach(u::merge);
    return u.sorted();
  }

  @Property(tries = 300)
  void anyTwoViewsConvergeInOneExchange(@ForAll @IntRange(min = 0, max = 3000) int n,
      @ForAll @IntRange(min = 0, max = 60) int d, @ForAll long seed) {
    View[] p = pair(n, d, seed);
    Map<NodeId, Message.DigestEntry> expected = union(p[0], p[1]);
    exchange(p[0], p[1]);
    assertEquals(expected, p[0].sorted(), "the initiator's view");
    assertEquals(expected, p[1].sorted(), "the responder's view");
  }

  @Property(tries = 200)
  void theCostIsProportionalToTheDifferences(@ForAll @IntRange(min = 0, max = 5000) int n,
      @ForAll @IntRange(min = 0, max = 40) int d, @ForAll long seed) {
    View[] p = pair(n, d, seed);
    Cost c = exchange(p[0], p[1]);
    // The first summary (at most 64 ranges); then per difference, at each level of splitting at
    // most one differing range turns into 16 sub-ranges, and at the bottom at most two leaves
    // are listed (one each way).
    int levels = 1;
    for (long size = Math.max(1, n) >> RangeSet.topDepth(n); size > RangeSet.LEAF_MAX; size >>= RangeSet.SPLIT_BITS) {
      levels++;
    }
    long bound = (1L << RangeSet.MAX_TOP_DEPTH) + (long) d * (RangeSet.FANOUT * levels + 2 * (RangeSet.LEAF_MAX + 1) + 2);
    assertTrue(c.ranges() + c.listed() <= bound + 2L * d * RangeSet.LEAF_MAX,
        "cost " + c + " for " + d + " differences among " + n + " (bound " + bound + ")");
    if (d == 0) {
      assertEquals(0, c.listed(), "equal views list no entries");
      assertEquals(1, c.messages(), "equal views need one message");
    }
  }

  @Test
  void tenThousandMembersWithThreeDifferencesCostAFewHundredItemsNotTwentyThousand() {
    View[] p = pair(10_000, 3, 7);
    Map<NodeId, Message.DigestEntry> expected = union(p[0], p[1]);
    Cost c = exchange(p[0], p[1]);
    assertEquals(expected, p[0].sorted());
    assertEquals(expected, p[1].sorted());
    // A full digest both ways lists 20,000 entries of 49 bytes.
    assertTrue(c.ranges() + c.listed() < 400, "cost " + c);
  }
}

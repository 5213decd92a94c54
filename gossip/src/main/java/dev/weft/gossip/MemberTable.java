package dev.weft.gossip;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The other members, in a map and in SWIM's probe order, with the counts asked per packet kept as
 * states change: members up (alive or suspect) and the list of those held dead.
 */
final class MemberTable {
  private final RandomGenerator random;
  private final MemberIndex members = new MemberIndex();
  private final ArrayList<Member> probeOrder = new ArrayList<>();
  /** Members held dead, for reconnect ticks: a scan of all members would cost n per tick. */
  private final List<Member> dead = new ArrayList<>();
  private int probeIndex;
  private int up;

  MemberTable(RandomGenerator random) {
    this.random = random;
  }

  Member get(NodeId id) {
    return members.get(id);
  }

  boolean contains(NodeId id) {
    return members.get(id) != null;
  }

  Collection<Member> all() {
    return members.values();
  }

  int size() {
    return members.size();
  }

  /** Members alive or suspect, this member not included. */
  int upCount() {
    return up;
  }

  /** Makes room for {@code n} members at once (a formed start). */
  void reserve(int n) {
    members.reserve(n);
    probeOrder.ensureCapacity(n);
  }

  /** Adds a member just heard alive, at a random place in the probe order as SWIM asks. */
  void add(Member m) {
    members.put(m);
    up++;
    // A swap (as memberlist does) costs nothing, an insert n.
    probeOrder.add(m);
    Collections.swap(probeOrder, probeOrder.size() - 1, random.nextInt(probeOrder.size()));
  }

  /** Moves {@code m} to {@code state}, keeping the counts and the dead list. */
  void setState(Member m, MemberState state, long now) {
    if (m.state.isUp() && !state.isUp()) {
      up--;
    } else if (!m.state.isUp() && state.isUp()) {
      up++;
    }
    if (m.state == MemberState.DEAD && state != MemberState.DEAD) {
      dead.remove(m);
    } else if (m.state != MemberState.DEAD && state == MemberState.DEAD) {
      dead.add(m);
    }
    m.state = state;
    m.stateSince = now;
  }

  /** Removes a member outright (its certificate was revoked). */
  void remove(Member m) {
    if (members.remove(m.id) == null) {
      return;
    }
    if (m.state.isUp()) {
      up--;
    }
    dead.remove(m);
    int i = probeOrder.indexOf(m);
    if (i >= 0) {
      Collections.swap(probeOrder, i, probeOrder.size() - 1);
      probeOrder.remove(probeOrder.size() - 1);
    }
  }

  /** A random member held dead, or null. */
  Member randomDead() {
    return dead.isEmpty() ? null : dead.get(random.nextInt(dead.size()));
  }

  /** The next member up in probe order; the order is reshuffled after each full round. */
  Member nextProbeTarget() {
    for (int tries = 0; tries < probeOrder.size(); tries++) {
      if (probeIndex >= probeOrder.size()) {
        probeIndex = 0;
        Collections.shuffle(probeOrder, new Random(random.nextLong()));
      }
      Member m = probeOrder.get(probeIndex++);
      if (m.state.isUp()) {
        return m;
      }
    }
    return null;
  }

  /**
   * Up to {@code n} random members other than {@code except}: those up, plus those dead for less
   * than {@code recentlyDeadMillis} (0: none).
   */
  List<Member> random(int n, NodeId except, long now, long recentlyDeadMillis) {
    // Sampling with bounded retries instead of a scan: this runs several times a second.
    List<Member> out = new ArrayList<>(n);
    int size = probeOrder.size();
    for (int tries = 0; out.size() < n && tries < 4 * n + 8 && size > 0; tries++) {
      Member m = probeOrder.get(random.nextInt(size));
      if (m.id.equals(except) || out.contains(m)) {
        continue;
      }
      if (m.state.isUp() || (m.state == MemberState.DEAD && now - m.stateSince < recentlyDeadMillis)) {
        out.add(m);
      }
    }
    return out;
  }

  /** Up to {@code n} members up, chosen at random (what a restart should remember). */
  List<NodeId> sampleUp(int n) {
    List<NodeId> ids = new ArrayList<>();
    for (Member m : members.values()) {
      if (m.state.isUp()) {
        ids.add(m.id);
      }
    }
    Collections.shuffle(ids, new Random(random.nextLong()));
    return ids.subList(0, Math.min(n, ids.size()));
  }

  /** Removes the members down for at least {@code horizonMillis}; returns them. */
  List<Member> removeDownSince(long now, long horizonMillis) {
    Set<Member> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Member m : members.values()) {
      if (!m.state.isUp() && now - m.stateSince >= horizonMillis) {
        gone.add(m);
      }
    }
    if (gone.isEmpty()) {
      return List.of();
    }
    for (Member m : gone) {
      members.remove(m.id);
    }
    dead.removeAll(gone);
    probeOrder.removeAll(gone);
    return List.copyOf(gone);
  }

  void cancelSuspicions() {
    for (Member m : members.values()) {
      if (m.suspicion != null) {
        m.suspicion.cancel();
      }
    }
  }
}

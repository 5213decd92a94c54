package dev.weft.gossip;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Updates waiting to be piggybacked. The least-sent go first; each is sent a limited number of
 * times (about λ·log n), and a newer update about the same member or record replaces the older.
 * Kept ordered (as memberlist's transmit-limited queue), so taking a packet's worth costs
 * log n per update taken instead of a sort of the whole queue, which during a mass join holds
 * thousands. Bounded: past {@code maxQueued} the most-sent second-hand updates are dropped, as
 * they have already spread furthest; push-pull repairs what they would still have reached.
 */
final class BroadcastQueue {
  private static final class Entry {
    final Update update;
    final byte[] bytes;
    final long order;
    /** 0: first-hand news (this member's own alive, its accusations, its record); 1: passed on. */
    final int rank;
    int transmits;

    Entry(Update update, byte[] bytes, long order, int rank) {
      this.update = update;
      this.bytes = bytes;
      this.order = order;
      this.rank = rank;
    }
  }

  /**
   * First-hand news first (a refutation must not wait behind the suspicions it answers), then
   * fewest transmissions, newest first among equals.
   */
  private static final Comparator<Entry> SEND_ORDER = (a, b) -> a.rank != b.rank ? Integer.compare(a.rank, b.rank)
      : a.transmits != b.transmits ? Integer.compare(a.transmits, b.transmits) : Long.compare(b.order, a.order);
  /** Updates looked at and found too big for what is left of a datagram before giving up. */
  private static final int MAX_SKIPPED = 32;

  private final int maxQueued;
  private final Map<Object, Entry> byKey = new HashMap<>();
  private final TreeSet<Entry> entries = new TreeSet<>(SEND_ORDER);
  private long counter;
  /** Encoded bytes of the updates waiting: how many packets the queue could fill now. */
  private long pendingBytes;

  BroadcastQueue(int maxQueued) {
    if (maxQueued < 1) {
      throw new IllegalArgumentException("the broadcast queue must hold at least one update");
    }
    this.maxQueued = maxQueued;
  }

  /** Queues a second-hand update. */
  void add(Update update, byte[] encoded) {
    add(update, encoded, false);
  }

  /** Queues an update; {@code firstHand} ones go out before any second-hand one. */
  void add(Update update, byte[] encoded, boolean firstHand) {
    Entry old = byKey.remove(update.key());
    if (old != null) {
      entries.remove(old);
      pendingBytes -= old.bytes.length;
    }
    Entry e = new Entry(update, encoded, counter++, firstHand ? 0 : 1);
    byKey.put(update.key(), e);
    entries.add(e);
    pendingBytes += encoded.length;
    while (entries.size() > maxQueued) {
      Entry dropped = entries.pollLast();
      byKey.remove(dropped.update.key(), dropped);
      pendingBytes -= dropped.bytes.length;
    }
  }

  /** Encoded bytes of all updates waiting. */
  long pendingBytes() {
    return pendingBytes;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  int size() {
    return entries.size();
  }

  /**
   * Takes updates that fit in {@code budget} bytes, fewest transmissions first and newest first
   * among equals, counting one transmission for each and retiring those sent {@code limit} times.
   */
  List<byte[]> fill(int budget, int limit) {
    if (entries.isEmpty()) {
      return List.of();
    }
    List<Entry> taken = new ArrayList<>();
    int used = 0;
    int skipped = 0;
    for (Entry e : entries) {
      if (budget - used < NodeId.LENGTH || skipped > MAX_SKIPPED) {
        break; // every update names a member: nothing more can fit
      }
      if (used + e.bytes.length <= budget) {
        used += e.bytes.length;
        taken.add(e);
      } else {
        skipped++;
      }
    }
    List<byte[]> out = new ArrayList<>(taken.size());
    for (Entry e : taken) {
      out.add(e.bytes);
      entries.remove(e);
      if (++e.transmits >= limit) {
        byKey.remove(e.update.key(), e);
        pendingBytes -= e.bytes.length;
      } else {
        entries.add(e);
      }
    }
    return out;
  }
}

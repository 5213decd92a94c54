package dev.weft.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates waiting to be piggybacked. The least-sent go first; each is sent a limited number of
 * times (about λ·log n), and a newer update about the same member or record replaces the older.
 */
final class BroadcastQueue {
  private static final class Entry {
    final Update update;
    final byte[] bytes;
    final long order;
    int transmits;

    Entry(Update update, byte[] bytes, long order) {
      this.update = update;
      this.bytes = bytes;
      this.order = order;
    }
  }

  private final Map<Object, Entry> byKey = new HashMap<>();
  private final List<Entry> entries = new ArrayList<>();
  private long counter;

  void add(Update update, byte[] encoded) {
    Entry old = byKey.remove(update.key());
    if (old != null) {
      entries.remove(old);
    }
    Entry e = new Entry(update, encoded, counter++);
    byKey.put(update.key(), e);
    entries.add(e);
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
    entries.sort((a, b) -> a.transmits != b.transmits ? Integer.compare(a.transmits, b.transmits) : Long.compare(b.order, a.order));
    List<byte[]> out = new ArrayList<>();
    int used = 0;
    List<Entry> retired = new ArrayList<>();
    for (Entry e : entries) {
      if (used + e.bytes.length > budget) {
        continue;
      }
      used += e.bytes.length;
      out.add(e.bytes);
      if (++e.transmits >= limit) {
        retired.add(e);
      }
    }
    for (Entry e : retired) {
      entries.remove(e);
      byKey.remove(e.update.key(), e);
    }
    return out;
  }
}

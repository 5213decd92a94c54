package dev.weft.gossip;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Members by id in one open-addressed array (linear probing, deletion by backward shift, at most
 * two thirds full), each slot's hash beside it so that a probe compares an int before it follows
 * a reference: 8 bytes a slot, 12 to 16 a member, instead of a hash map's 32-byte node and its
 * slot. A node holds one table; the simulator holds one per member, 10^8 entries at 10,000.
 */
final class MemberIndex {
  private static final int MIN_CAPACITY = 16;
  private Member[] slots = new Member[MIN_CAPACITY];
  private int[] hashes = new int[MIN_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  Member get(NodeId id) {
    Member[] s = slots;
    int[] h = hashes;
    int mask = s.length - 1;
    int hash = spread(id.hashCode());
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      Member m = s[i];
      if (m == null) {
        return null;
      }
      if (h[i] == hash && m.id.equals(id)) {
        return m;
      }
    }
  }

  /** Makes room for {@code n} members at once (a formed start), instead of doubling up to it. */
  void reserve(int n) {
    int capacity = slots.length;
    while ((long) n * 3 > capacity * 2L) {
      capacity *= 2;
    }
    if (capacity > slots.length) {
      resize(capacity);
    }
  }

  /** Adds or replaces the member with {@code m.id}. */
  void put(Member m) {
    if ((size + 1) * 3L > slots.length * 2L) { // at most 2/3 full
      resize(slots.length * 2);
    }
    int mask = slots.length - 1;
    int hash = spread(m.id.hashCode());
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      Member old = slots[i];
      if (old == null) {
        slots[i] = m;
        hashes[i] = hash;
        size++;
        return;
      }
      if (hashes[i] == hash && old.id.equals(m.id)) {
        slots[i] = m;
        return;
      }
    }
  }

  /** Removes the member with {@code id}; returns it, or null. */
  Member remove(NodeId id) {
    int mask = slots.length - 1;
    int hash = spread(id.hashCode());
    int i = hash & mask;
    while (slots[i] != null && !(hashes[i] == hash && slots[i].id.equals(id))) {
      i = (i + 1) & mask;
    }
    Member removed = slots[i];
    if (removed == null) {
      return null;
    }
    // Backward shift: move later members of the run into the hole when their home allows it.
    int hole = i;
    for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
      int home = hashes[j] & mask;
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        slots[hole] = slots[j];
        hashes[hole] = hashes[j];
        hole = j;
      }
    }
    slots[hole] = null;
    hashes[hole] = 0;
    size--;
    if (slots.length > MIN_CAPACITY && size * 8L < slots.length) {
      resize(slots.length / 2);
    }
    return removed;
  }

  /** A live view for iteration (no removal through it). */
  Collection<Member> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<Member> iterator() {
        return new Iterator<>() {
          private final Member[] s = slots;
          private int next = advance(0);

          private int advance(int from) {
            while (from < s.length && s[from] == null) {
              from++;
            }
            return from;
          }

          @Override
          public boolean hasNext() {
            return next < s.length;
          }

          @Override
          public Member next() {
            if (next >= s.length) {
              throw new NoSuchElementException();
            }
            Member m = s[next];
            next = advance(next + 1);
            return m;
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private void resize(int capacity) {
    Member[] old = slots;
    slots = new Member[capacity];
    hashes = new int[capacity];
    size = 0;
    for (Member m : old) {
      if (m != null) {
        put(m);
      }
    }
  }

  /** Mixes the id's hash so that its low bits, which pick the slot, depend on all of it. */
  private static int spread(int h) {
    h *= 0x9e3779b9;
    return h ^ (h >>> 16);
  }
}

package dev.weft.dataplane.wireguard;

import java.security.SecureRandom;

/**
 * Maps the 32-bit local session indices that peers put in the receiver field of their
 * messages to handshakes and keypairs. Reads (every packet) are lock-free on an
 * immutable open-addressing table; writes (handshakes) copy it.
 */
final class IndexTable {

    /** What an index points to: a handshake in progress or a keypair. */
    interface Entry {
        Peer peer();
    }

    private record Table(int[] keys, Entry[] values, int size) {
    }

    private final SecureRandom random;
    private volatile Table table = new Table(new int[16], new Entry[16], 0);

    IndexTable(SecureRandom random) {
        this.random = random;
    }

    Entry lookup(int index) {
        Table t = table;
        int mask = t.keys.length - 1;
        for (int slot = mix(index) & mask; ; slot = (slot + 1) & mask) {
            Entry value = t.values[slot];
            if (value == null) {
                return null;
            }
            if (t.keys[slot] == index) {
                return value;
            }
        }
    }

    /** Registers {@code entry} under a fresh random index and returns the index. */
    synchronized int register(Entry entry) {
        while (true) {
            int index = random.nextInt();
            if (lookup(index) == null) {
                put(index, entry);
                return index;
            }
        }
    }

    /** Points an existing index at another entry (a handshake becoming a keypair). */
    synchronized void replace(int index, Entry entry) {
        put(index, entry);
    }

    /** Removes {@code index} if it still points at {@code entry}. */
    synchronized void remove(int index, Entry entry) {
        if (lookup(index) != entry) {
            return;
        }
        Table t = table;
        int capacity = t.keys.length;
        int[] keys = new int[capacity];
        Entry[] values = new Entry[capacity];
        for (int i = 0; i < capacity; i++) {
            if (t.values[i] != null && t.keys[i] != index) {
                insertInto(keys, values, t.keys[i], t.values[i]);
            }
        }
        table = new Table(keys, values, t.size - 1);
    }

    synchronized int size() {
        return table.size;
    }

    private void put(int index, Entry entry) {
        Table t = table;
        boolean exists = lookup(index) != null;
        int size = exists ? t.size : t.size + 1;
        int capacity = t.keys.length;
        while (size * 2 > capacity) {
            capacity *= 2;
        }
        int[] keys = new int[capacity];
        Entry[] values = new Entry[capacity];
        for (int i = 0; i < t.keys.length; i++) {
            if (t.values[i] != null && t.keys[i] != index) {
                insertInto(keys, values, t.keys[i], t.values[i]);
            }
        }
        insertInto(keys, values, index, entry);
        table = new Table(keys, values, size);
    }

    private static void insertInto(int[] keys, Entry[] values, int key, Entry value) {
        int mask = keys.length - 1;
        int slot = mix(key) & mask;
        while (values[slot] != null) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}

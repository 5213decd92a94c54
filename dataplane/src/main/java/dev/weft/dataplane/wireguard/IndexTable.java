package dev.weft.dataplane.wireguard;

import java.security.SecureRandom;

/**
 * Local session indices (the "sender"/"receiver" fields) to the handshake or keypair they
 * name. Lookups happen per transport packet on several threads, so the table is an
 * immutable open-addressing array published through a volatile field and rebuilt on each
 * change (a few per handshake): lookups take no lock and box nothing.
 */
final class IndexTable {

    /** What an index names: a pending handshake of a peer, or one of its keypairs. */
    record Entry(Peer peer, Keypair keypair) {
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
        for (int i = mix(index) & mask; ; i = (i + 1) & mask) {
            Entry e = t.values[i];
            if (e == null) {
                return null;
            }
            if (t.keys[i] == index) {
                return e;
            }
        }
    }

    /** Registers a fresh random index for {@code peer}'s handshake. */
    synchronized int newIndexForHandshake(Peer peer) {
        while (true) {
            int index = random.nextInt();
            if (lookup(index) == null) {
                put(index, new Entry(peer, null));
                return index;
            }
        }
    }

    /** Points an existing handshake index at the keypair derived from it. */
    synchronized void swapForKeypair(int index, Keypair keypair) {
        put(index, new Entry(keypair.peer, keypair));
    }

    synchronized void delete(int index) {
        Table t = table;
        if (lookup(index) == null) {
            return;
        }
        rebuildWith(t, index, null);
    }

    synchronized int size() {
        return table.size;
    }

    private void put(int index, Entry entry) {
        rebuildWith(table, index, entry);
    }

    /** Copies the table without {@code index}, then adds {@code index -> entry} if non-null. */
    private void rebuildWith(Table old, int index, Entry entry) {
        int count = old.size + 1;
        int capacity = 16;
        while (capacity < count * 2) {
            capacity <<= 1;
        }
        int[] keys = new int[capacity];
        Entry[] values = new Entry[capacity];
        int size = 0;
        for (int i = 0; i < old.keys.length; i++) {
            if (old.values[i] != null && old.keys[i] != index) {
                insert(keys, values, old.keys[i], old.values[i]);
                size++;
            }
        }
        if (entry != null) {
            insert(keys, values, index, entry);
            size++;
        }
        table = new Table(keys, values, size);
    }

    private static void insert(int[] keys, Entry[] values, int key, Entry value) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}

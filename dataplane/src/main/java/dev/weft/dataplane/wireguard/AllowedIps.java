package dev.weft.dataplane.wireguard;

import dev.weft.ip.IpPrefix;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cryptokey routing table: IPv4 and IPv6 prefixes to peers, longest prefix wins.
 *
 * <p>Lookups run per packet from several threads, changes are rare: the binary tries are
 * immutable once published and rebuilt on every change (copy on write), so a lookup is a
 * lock-free walk of at most 32 or 128 nodes with no allocation.
 */
final class AllowedIps {

    private static final class Node {
        Node zero;
        Node one;
        Peer peer;
    }

    private final Map<IpPrefix, Peer> entries = new LinkedHashMap<>();
    private volatile Node v4 = new Node();
    private volatile Node v6 = new Node();

    /**
     * Gives {@code prefix} to {@code peer}, taking it from any other peer that had it. Host bits
     * are cleared first, as {@code wg} does: 10.1.2.3/8 is the entry 10.0.0.0/8.
     */
    synchronized void insert(IpPrefix prefix, Peer peer) {
        entries.put(prefix.network(), peer);
        rebuild();
    }

    /** Replaces all prefixes of {@code peer}. */
    synchronized void replace(Peer peer, List<IpPrefix> prefixes) {
        entries.values().removeIf(p -> p == peer);
        for (IpPrefix prefix : prefixes) {
            entries.put(prefix.network(), peer);
        }
        rebuild();
    }

    synchronized void removePeer(Peer peer) {
        entries.values().removeIf(p -> p == peer);
        rebuild();
    }

    synchronized List<IpPrefix> prefixesOf(Peer peer) {
        List<IpPrefix> out = new ArrayList<>();
        entries.forEach((prefix, p) -> {
            if (p == peer) {
                out.add(prefix);
            }
        });
        return out;
    }

    Peer lookupV4(int address) {
        Node node = v4;
        Peer best = node.peer;
        for (int i = 0; i < 32; i++) {
            node = ((address >>> (31 - i)) & 1) == 0 ? node.zero : node.one;
            if (node == null) {
                return best;
            }
            if (node.peer != null) {
                best = node.peer;
            }
        }
        return best;
    }

    Peer lookupV6(long high, long low) {
        Node node = v6;
        Peer best = node.peer;
        for (int i = 0; i < 128; i++) {
            long word = i < 64 ? high : low;
            int shift = 63 - (i & 63);
            node = ((word >>> shift) & 1) == 0 ? node.zero : node.one;
            if (node == null) {
                return best;
            }
            if (node.peer != null) {
                best = node.peer;
            }
        }
        return best;
    }

    /** Lookup of an {@link InetAddress} (tests and control paths). */
    Peer lookup(InetAddress address) {
        byte[] b = address.getAddress();
        ByteBuffer buf = ByteBuffer.wrap(b);
        return b.length == 4 ? lookupV4(buf.getInt()) : lookupV6(buf.getLong(), buf.getLong());
    }

    private void rebuild() {
        Node newV4 = new Node();
        Node newV6 = new Node();
        for (Map.Entry<IpPrefix, Peer> e : entries.entrySet()) {
            IpPrefix prefix = e.getKey();
            byte[] bytes = prefix.address();
            Node node = bytes.length == 4 ? newV4 : newV6;
            for (int i = 0; i < prefix.length(); i++) {
                int bit = (bytes[i >>> 3] >>> (7 - (i & 7))) & 1;
                if (bit == 0) {
                    if (node.zero == null) {
                        node.zero = new Node();
                    }
                    node = node.zero;
                } else {
                    if (node.one == null) {
                        node.one = new Node();
                    }
                    node = node.one;
                }
            }
            node.peer = e.getValue();
        }
        v4 = newV4;
        v6 = newV6;
    }
}

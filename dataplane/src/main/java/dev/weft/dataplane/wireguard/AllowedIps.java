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
 * <p>Lookups run per packet from several threads, changes are rare: the tries are immutable
 * once published and rebuilt on every change (copy on write), so a lookup is a lock-free walk
 * with no allocation. The tries are path-compressed, as wireguard-go's allowedips.go: a node
 * stands for a whole prefix and branches only where two entries part, so a table of single
 * addresses is a walk of about log2(entries) nodes instead of one node per bit (32 for an IPv4
 * host, 128 for an IPv6 one, each a dependent load, on every packet sent and received).
 */
final class AllowedIps {

    /**
     * A prefix of {@code length} bits, left-aligned in {@code high} and {@code low} (an IPv4
     * address in the top 32 bits of {@code high}), the bits past it zero; its peer when the
     * prefix is an entry, else null; children by the bit after the prefix.
     */
    private static final class Node {
        final long high;
        final long low;
        final int length;
        Peer peer;
        Node zero;
        Node one;

        Node(long high, long low, int length, Peer peer) {
            this.high = high & mask(length);
            this.low = low & mask(length - 64);
            this.length = length;
            this.peer = peer;
        }

        /** Whether the address's first {@link #length} bits are this prefix. */
        boolean contains(long high, long low) {
            return ((high ^ this.high) & mask(length)) == 0 && ((low ^ this.low) & mask(length - 64)) == 0;
        }
    }

    private final Map<IpPrefix, Peer> entries = new LinkedHashMap<>();
    private volatile Node v4;
    private volatile Node v6;

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
        return lookup(v4, (long) address << 32, 0);
    }

    Peer lookupV6(long high, long low) {
        return lookup(v6, high, low);
    }

    private static Peer lookup(Node node, long high, long low) {
        Peer best = null;
        while (node != null && node.contains(high, low)) {
            if (node.peer != null) {
                best = node.peer;
            }
            if (node.length == 128) {
                break;
            }
            node = bit(high, low, node.length) == 0 ? node.zero : node.one;
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
        Node newV4 = null;
        Node newV6 = null;
        for (Map.Entry<IpPrefix, Peer> e : entries.entrySet()) {
            IpPrefix prefix = e.getKey();
            ByteBuffer bytes = ByteBuffer.wrap(prefix.address());
            if (prefix.isIpv4()) {
                newV4 = insert(newV4, (long) bytes.getInt() << 32, 0, prefix.length(), e.getValue());
            } else {
                newV6 = insert(newV6, bytes.getLong(), bytes.getLong(), prefix.length(), e.getValue());
            }
        }
        v4 = newV4;
        v6 = newV6;
    }

    /** The subtrie {@code node} with the entry {@code high/low/length → peer} in it (built before it is published). */
    private static Node insert(Node node, long high, long low, int length, Peer peer) {
        if (node == null) {
            return new Node(high, low, length, peer);
        }
        int common = Math.min(Math.min(node.length, length), commonBits(node.high, node.low, high, low));
        if (common == node.length) {
            if (length == node.length) {
                node.peer = peer;
            } else if (bit(high, low, node.length) == 0) {
                node.zero = insert(node.zero, high, low, length, peer);
            } else {
                node.one = insert(node.one, high, low, length, peer);
            }
            return node;
        }
        // the entry parts from this node's prefix after `common` bits: a node for those bits above both
        Node fork = new Node(high, low, common, common == length ? peer : null);
        Node entry = common == length ? fork : new Node(high, low, length, peer);
        if (bit(node.high, node.low, common) == 0) {
            fork.zero = node;
            fork.one = entry == fork ? null : entry;
        } else {
            fork.one = node;
            fork.zero = entry == fork ? null : entry;
        }
        return fork;
    }

    /** How many leading bits two 128-bit values share. */
    private static int commonBits(long high1, long low1, long high2, long low2) {
        long h = high1 ^ high2;
        return h != 0 ? Long.numberOfLeadingZeros(h) : 64 + Long.numberOfLeadingZeros(low1 ^ low2);
    }

    /** Bit {@code index} (0 is the most significant of {@code high}) of a 128-bit value. */
    private static int bit(long high, long low, int index) {
        return (int) ((index < 64 ? high >>> (63 - index) : low >>> (127 - index)) & 1);
    }

    /** The first {@code bits} bits of a word set (none at 0 or below, all at 64 or above). */
    private static long mask(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
    }
}

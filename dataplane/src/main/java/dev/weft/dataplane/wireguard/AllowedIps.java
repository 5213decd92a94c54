package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cryptokey routing: a binary trie per address family mapping prefixes to peers with
 * longest-prefix match. Writers (configuration changes) rebuild and publish an immutable
 * trie; readers (every packet) walk the published one without locks or allocation.
 */
final class AllowedIps {

    private static final class Node {
        Node zero;
        Node one;
        Peer peer;
    }

    private record Tries(Node v4, Node v6) {
    }

    private final Map<IpPrefix, Peer> entries = new LinkedHashMap<>();
    private volatile Tries tries = new Tries(new Node(), new Node());

    /** Routes {@code prefix} to {@code peer}, taking it from any peer that had it. */
    synchronized void insert(IpPrefix prefix, Peer peer) {
        entries.put(prefix, peer);
        rebuild();
    }

    /** Replaces all of {@code peer}'s prefixes with {@code prefixes}. */
    synchronized void replace(Peer peer, List<IpPrefix> prefixes) {
        entries.values().removeIf(p -> p == peer);
        for (IpPrefix prefix : prefixes) {
            entries.put(prefix, peer);
        }
        rebuild();
    }

    /** Removes every prefix of {@code peer}. */
    synchronized void removePeer(Peer peer) {
        entries.values().removeIf(p -> p == peer);
        rebuild();
    }

    /** The prefixes currently routed to {@code peer}. */
    synchronized List<IpPrefix> prefixesOf(Peer peer) {
        List<IpPrefix> out = new ArrayList<>();
        for (Map.Entry<IpPrefix, Peer> e : entries.entrySet()) {
            if (e.getValue() == peer) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /**
     * Longest-prefix match of the address of {@code addressLength} bytes (4 or 16) at
     * {@code offset} of {@code buf}; null when no prefix covers it.
     */
    Peer lookup(ByteBuf buf, int offset, int addressLength) {
        Tries current = tries;
        Node node = addressLength == 4 ? current.v4 : current.v6;
        Peer best = node.peer;
        int bits = addressLength * 8;
        for (int i = 0; i < bits; i++) {
            int bit = (buf.getByte(offset + (i >>> 3)) >>> (7 - (i & 7))) & 1;
            node = bit == 0 ? node.zero : node.one;
            if (node == null) {
                return best;
            }
            if (node.peer != null) {
                best = node.peer;
            }
        }
        return best;
    }

    /** Longest-prefix match of a raw 4- or 16-byte address. */
    Peer lookup(byte[] address) {
        return lookup(io.netty.buffer.Unpooled.wrappedBuffer(address), 0, address.length);
    }

    private void rebuild() {
        Node v4 = new Node();
        Node v6 = new Node();
        for (Map.Entry<IpPrefix, Peer> e : entries.entrySet()) {
            IpPrefix prefix = e.getKey();
            byte[] raw = prefix.address().getAddress();
            Node node = raw.length == 4 ? v4 : v6;
            for (int i = 0; i < prefix.length(); i++) {
                int bit = (raw[i >>> 3] >>> (7 - (i & 7))) & 1;
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
        tries = new Tries(v4, v6);
    }
}

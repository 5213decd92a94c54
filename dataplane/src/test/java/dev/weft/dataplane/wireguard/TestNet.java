package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.crypto.Curve25519;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An in-memory UDP network of {@link WireGuardDevice}s on a {@link ManualClock}. Datagrams
 * queue until {@link #pump()}, so devices never re-enter each other. A tap sees every
 * datagram and may replace or drop it (return null).
 */
final class TestNet implements AutoCloseable {
    record Datagram(ByteBuf buf, InetSocketAddress from, InetSocketAddress to) {
    }

    final ManualClock clock = new ManualClock();
    private final Map<InetSocketAddress, Node> bindings = new HashMap<>();
    private final ArrayDeque<Datagram> inflight = new ArrayDeque<>();
    private final List<Node> nodes = new ArrayList<>();
    UnaryOperator<Datagram> tap = d -> d;

    final class Node implements PacketSink {
        final String name;
        final byte[] privateKey;
        final WireGuardDevice device;
        InetSocketAddress address;
        final List<byte[]> delivered = new ArrayList<>();
        final List<Datagram> sent = new ArrayList<>();

        Node(String name, InetSocketAddress address, byte[] privateKey, WireGuardOptions options) {
            this.name = name;
            this.address = address;
            this.privateKey = privateKey;
            this.device = new WireGuardDevice(privateKey, this, clock, options, UnpooledByteBufAllocator.DEFAULT);
        }

        byte[] publicKey() {
            return device.publicKey();
        }

        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
            inflight.add(new Datagram(datagram, address, to));
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
            byte[] b = new byte[ipPacket.readableBytes()];
            ipPacket.readBytes(b);
            ipPacket.release();
            delivered.add(b);
        }

        /** Moves this node to a new underlay address (roaming). */
        void moveTo(InetSocketAddress newAddress) {
            bindings.remove(address);
            address = newAddress;
            bindings.put(newAddress, this);
        }

        PeerStatus peer(Node other) {
            for (PeerStatus s : device.peers()) {
                if (java.util.Arrays.equals(s.publicKey(), other.publicKey())) {
                    return s;
                }
            }
            throw new AssertionError("no peer " + other.name);
        }
    }

    Node node(String name, String ip, int port, WireGuardOptions options) {
        return node(name, ip, port, options, Curve25519.generatePrivateKey(new java.security.SecureRandom()));
    }

    /** A node with a given key; replaces whatever node had the address (a restart). */
    Node node(String name, String ip, int port, WireGuardOptions options, byte[] key) {
        Node n = new Node(name, new InetSocketAddress(ip, port), key, options);
        bindings.put(n.address, n);
        nodes.add(n);
        return n;
    }

    /** Delivers queued datagrams (and what they cause) until the network is quiet. */
    void pump() {
        int guard = 0;
        Datagram d;
        while ((d = inflight.poll()) != null) {
            if (++guard > 1_000_000) {
                throw new AssertionError("network does not settle");
            }
            Node sender = bindings.get(d.from());
            if (sender != null) {
                sender.sent.add(new Datagram(d.buf().copy(), d.from(), d.to()));
            }
            Datagram t = tap.apply(d);
            if (t == null) {
                continue;
            }
            Node target = bindings.get(t.to());
            if (target == null) {
                t.buf().release();
            } else {
                target.device.receiveDatagram(t.buf(), t.from());
            }
        }
    }

    /** Advances time, pumping the network after every timer tick. */
    void run(Duration d) {
        pump();
        clock.advance(d, this::pump);
        pump();
    }

    /** Injects a datagram as if {@code from} sent it. */
    void inject(ByteBuf buf, InetSocketAddress from, InetSocketAddress to) {
        inflight.add(new Datagram(buf, from, to));
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.device.close();
            for (Datagram d : n.sent) {
                d.buf().release();
            }
        }
        Datagram d;
        while ((d = inflight.poll()) != null) {
            d.buf().release();
        }
    }
}

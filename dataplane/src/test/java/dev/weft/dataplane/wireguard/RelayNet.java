package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.dataplane.relay.RelayClients;
import dev.weft.dataplane.relay.RelayDemux;
import dev.weft.dataplane.relay.RelayForwarder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An in-memory UDP network of nodes, each with a {@link WireGuardDevice}, a relay forwarder and
 * relay clients behind a {@link RelayDemux}, sorting datagrams by first byte as the socket does.
 * Datagrams queue until {@link #pump()}; {@link #blocked} drops those it matches (a NAT that
 * keeps two members apart). Pooled buffers, so that paranoid leak detection sees them.
 */
final class RelayNet implements AutoCloseable {
    record Datagram(InetSocketAddress from, InetSocketAddress to, ByteBuf buf) {
    }

    final ManualClock clock = new ManualClock();
    final Map<InetSocketAddress, Node> nodes = new HashMap<>();
    final List<Datagram> log = new ArrayList<>();
    private final ArrayDeque<Datagram> inflight = new ArrayDeque<>();
    Predicate<Datagram> blocked = d -> false;

    final class Node implements PacketSink {
        final InetSocketAddress address;
        final WireGuardDevice device;
        final RelayForwarder forwarder;
        final RelayClients clients;
        final RelayDemux demux;
        final List<byte[]> delivered = new ArrayList<>();

        Node(InetSocketAddress address) {
            this.address = address;
            byte[] key = Curve25519.generatePrivateKey(new SecureRandom());
            this.device = new WireGuardDevice(key, this, clock, WireGuardOptions.standard(),
                    PooledByteBufAllocator.DEFAULT);
            this.forwarder = new RelayForwarder(16, this::sendDatagram, clock::nanoTime);
            this.clients = new RelayClients(device, 16);
            this.demux = new RelayDemux(forwarder, clients);
        }

        byte[] publicKey() {
            return device.publicKey();
        }

        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
            inflight.add(new Datagram(address, to, datagram));
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
            byte[] b = new byte[ipPacket.readableBytes()];
            ipPacket.readBytes(b);
            ipPacket.release();
            delivered.add(b);
        }

        /** Receives as the UDP socket's demultiplexer would. */
        void receive(ByteBuf buf, InetSocketAddress from) {
            int first = buf.isReadable() ? buf.getUnsignedByte(buf.readerIndex()) : -1;
            if (first >= 1 && first <= 4) {
                device.receiveDatagram(buf, from);
            } else if (first == Endpoint.Relayed.FRAME_TYPE) {
                demux.onRelayFrame(buf, from);
            } else {
                buf.release();
            }
        }

        PeerStatus peer(Node other) {
            for (PeerStatus s : device.peers()) {
                if (java.util.Arrays.equals(s.publicKey(), other.publicKey())) {
                    return s;
                }
            }
            throw new AssertionError("no such peer");
        }
    }

    Node node(String ip, int port) {
        Node n = new Node(at(ip, port));
        nodes.put(n.address, n);
        return n;
    }

    /** Delivers until quiet; every datagram is logged (first byte, sizes) before delivery. */
    void pump() {
        Datagram d;
        int guard = 0;
        while ((d = inflight.poll()) != null) {
            if (++guard > 100_000) {
                throw new AssertionError("network does not settle");
            }
            log.add(new Datagram(d.from(), d.to(), d.buf().copy(d.buf().readerIndex(), Math.min(16, d.buf().readableBytes()))));
            Node target = nodes.get(d.to());
            if (target == null || blocked.test(d)) {
                d.buf().release();
            } else {
                target.receive(d.buf(), d.from());
            }
        }
    }

    void run(Duration d) {
        pump();
        clock.advance(d, this::pump);
        pump();
    }

    /** Logged datagrams from {@code from} to {@code to}. */
    long count(InetSocketAddress from, InetSocketAddress to) {
        return log.stream().filter(x -> x.from().equals(from) && x.to().equals(to)).count();
    }

    static InetSocketAddress at(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        for (Node n : nodes.values()) {
            n.device.close();
        }
        for (Datagram d : log) {
            d.buf().release();
        }
        Datagram d;
        while ((d = inflight.poll()) != null) {
            d.buf().release();
        }
    }
}

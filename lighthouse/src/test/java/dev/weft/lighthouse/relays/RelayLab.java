package dev.weft.lighthouse.relays;

import dev.weft.certs.NodeIdentity;
import dev.weft.dataplane.relay.RelayClients;
import dev.weft.dataplane.relay.RelayDemux;
import dev.weft.dataplane.relay.RelayForwarder;
import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.dataplane.wireguard.PacketSink;
import dev.weft.dataplane.wireguard.WireGuardClock;
import dev.weft.dataplane.wireguard.WireGuardDevice;
import dev.weft.dataplane.wireguard.WireGuardOptions;
import dev.weft.gossip.NodeId;
import dev.weft.lighthouse.channel.ChannelKind;
import dev.weft.lighthouse.channel.ChannelLimits;
import dev.weft.lighthouse.channel.ChannelListener;
import dev.weft.lighthouse.channel.ControlChannel;
import dev.weft.lighthouse.channel.ManualClock;
import dev.weft.lighthouse.channel.Pki;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Members on one in-memory UDP network, each with the whole stack a node has for relays: a
 * control channel, a WireGuard device, a relay forwarder or relay clients behind a demux, and
 * {@link Relays}. Datagrams are sorted by first byte as the node's socket does, and queue until
 * {@link #pump}; {@link #blocked} drops those it matches (NATs that keep members apart).
 */
final class RelayLab implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    record Datagram(InetSocketAddress from, InetSocketAddress to, ByteBuf buf) {
    }

    record Offered(NodeId peer, Endpoint.Relayed endpoint, NodeIdentity relay) {
    }

    record Closed(NodeId peer, long id) {
    }

    record Refused(NodeId peer, NodeIdentity relay, int reason) {
    }

    final Pki pki = new Pki("acme", NOW);
    final ManualClock clock = new ManualClock(NOW.toEpochMilli());
    final Map<InetSocketAddress, Member> members = new HashMap<>();
    private final ArrayDeque<Datagram> inflight = new ArrayDeque<>();
    Predicate<Datagram> blocked = d -> false;

    final class Member implements PacketSink {
        final String name;
        final InetSocketAddress address;
        final Pki.Node node;
        final ControlChannel channel;
        final WireGuardDevice device;
        final RelayForwarder forwarder;
        final RelayClients clients;
        final RelayDemux demux;
        final Relays relays;
        final List<Offered> offered = new CopyOnWriteArrayList<>();
        final List<Closed> closed = new CopyOnWriteArrayList<>();
        final List<Refused> refused = new CopyOnWriteArrayList<>();
        final List<byte[]> delivered = new CopyOnWriteArrayList<>();

        Member(String name, InetSocketAddress address, boolean amRelay, boolean useRelays) {
            this.name = name;
            this.address = address;
            this.node = pki.node(name);
            Relays[] holder = new Relays[1];
            ChannelListener listener = new ChannelListener() {
                @Override
                public void onMessage(NodeIdentity peer, InetSocketAddress from, int kind, byte[] payload) {
                    if (kind == ChannelKind.RELAY) {
                        holder[0].onMessage(peer, from, payload);
                    }
                }
            };
            this.channel = new ControlChannel(node.keys(), node.certificate(), pki::verifier, clock,
                    (bytes, to) -> queue(address, to, Unpooled.wrappedBuffer(bytes)), Runnable::run, listener,
                    ChannelLimits.defaults());
            this.device = new WireGuardDevice(node.keys().x25519Private(), this, WireGuardClock.system(),
                    WireGuardOptions.standard(), PooledByteBufAllocator.DEFAULT);
            this.forwarder = amRelay ? new RelayForwarder(64, this::sendDatagram, clock::nanoTime) : null;
            this.clients = useRelays ? new RelayClients(device, 128) : null;
            this.demux = new RelayDemux(forwarder, clients);
            this.relays = new Relays(channel, forwarder, clients, new Relays.Listener() {
                @Override
                public void offered(NodeId peer, Endpoint.Relayed endpoint, NodeIdentity relay) {
                    offered.add(new Offered(peer, endpoint, relay));
                }

                @Override
                public void closed(NodeId peer, long id) {
                    closed.add(new Closed(peer, id));
                }

                @Override
                public void refused(NodeId peer, NodeIdentity relay, int reason) {
                    refused.add(new Refused(peer, relay, reason));
                }
            }, clock::nanoTime);
            holder[0] = relays;
        }

        NodeId id() {
            return NodeId.of(node.keys().x25519Public());
        }

        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
            queue(address, to, datagram);
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
            byte[] b = new byte[ipPacket.readableBytes()];
            ipPacket.readBytes(b);
            ipPacket.release();
            delivered.add(b);
        }

        void receive(ByteBuf buf, InetSocketAddress from) {
            int first = buf.isReadable() ? buf.getUnsignedByte(buf.readerIndex()) : -1;
            if (first >= 1 && first <= 4) {
                device.receiveDatagram(buf, from);
            } else if (first == 0xF2) {
                demux.onRelayFrame(buf, from);
            } else if (first >= 0xF0) {
                channel.onControl(buf, from);
            } else {
                buf.release();
            }
        }

        /** Says hello to {@code other}; both know each other after a pump. */
        void hello(Member other) {
            channel.hello(other.address);
            pump();
        }

        /** How {@code other} is known to this member's channel (its verified identity). */
        NodeIdentity known(Member other) {
            return channel.peer(other.node.keys().x25519Public()).orElseThrow().identity();
        }
    }

    Member member(String name, String ip, boolean amRelay, boolean useRelays) {
        Member m = new Member(name, at(ip, 4242), amRelay, useRelays);
        members.put(m.address, m);
        return m;
    }

    synchronized void queue(InetSocketAddress from, InetSocketAddress to, ByteBuf buf) {
        inflight.add(new Datagram(from, to, buf));
    }

    private synchronized Datagram poll() {
        return inflight.poll();
    }

    void pump() {
        Datagram d;
        int guard = 0;
        while ((d = poll()) != null) {
            if (++guard > 100_000) {
                throw new AssertionError("network does not settle");
            }
            Member to = members.get(d.to());
            if (to == null || blocked.test(d)) {
                d.buf().release();
            } else {
                to.receive(d.buf(), d.from());
            }
        }
    }

    /** Moves time on by {@code seconds}, one second and one tick of every member's relays at a time. */
    void seconds(int seconds) {
        for (int i = 0; i < seconds; i++) {
            clock.advanceMillis(1000);
            for (Member m : members.values()) {
                m.relays.tick();
            }
            pump();
        }
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
        for (Member m : members.values()) {
            m.relays.close();
            m.channel.close();
            m.device.close();
        }
        Datagram d;
        while ((d = poll()) != null) {
            d.buf().release();
        }
    }
}

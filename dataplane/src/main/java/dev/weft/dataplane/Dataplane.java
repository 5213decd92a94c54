package dev.weft.dataplane;

import dev.weft.dataplane.netlink.Netlink;
import dev.weft.dataplane.relay.RelayClients;
import dev.weft.dataplane.relay.RelayDemux;
import dev.weft.dataplane.relay.RelayForwarder;
import dev.weft.dataplane.tun.TunDevice;
import dev.weft.dataplane.udp.DatagramReceiver;
import dev.weft.dataplane.udp.UdpCounters;
import dev.weft.dataplane.udp.UdpEndpoint;
import dev.weft.dataplane.udp.UdpOffloadCounters;
import dev.weft.dataplane.udp.UdpOffloads;
import dev.weft.dataplane.wireguard.PacketSink;
import dev.weft.dataplane.wireguard.WireGuardClock;
import dev.weft.dataplane.wireguard.WireGuardDevice;
import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * A running userspace WireGuard interface: a {@link TunDevice}, the node's {@link UdpEndpoint}
 * and a {@link WireGuardDevice} between them.
 *
 * <p>Threads: one epoll event loop owns both the UDP socket and the TUN descriptor. A batch of
 * packets read from TUN is encrypted there ({@code sendPacket}) and the datagrams are queued on
 * the socket and flushed once per batch (sendmmsg); datagrams read from the socket are decrypted
 * there ({@code receiveDatagram}) and written to TUN. No packet changes threads on its way, so
 * no thread has to be woken to carry it on: that is what a packet's latency costs on a VM. The
 * WireGuard clock runs the timers on a thread of its own. {@link #start} configures the
 * interface over netlink (MTU, addresses, up); {@link #close} stops everything and removes the
 * interface.
 */
public final class Dataplane implements PacketSink, AutoCloseable {
    /** Relay bindings this node forwards at most (the relay role; each is two addresses and a bucket). */
    public static final int MAX_RELAY_BINDINGS = 4096;
    /** Relayed endpoints this node uses at most. */
    public static final int MAX_RELAYED_ENDPOINTS = 1024;

    private final TunDevice tun;
    private final Netlink netlink;
    private final int linkIndex;
    private final WireGuardDevice device;
    private final RelayForwarder relayForwarder;
    private final RelayClients relayClients;
    private final RelayDemux relayDemux;
    private volatile UdpEndpoint udp;
    /** True while the event loop handles a batch read from TUN (only touched on that thread). */
    private boolean inTunBatch;
    /**
     * True while the event loop handles a batch read from the socket, between a datagram and the
     * batch's end (only touched on that thread): TUN writes then wait for the end, to be merged.
     */
    private boolean inReceiveBatch;
    private volatile boolean closed;

    private Dataplane(TunDevice tun, Netlink netlink, int linkIndex, DataplaneSettings settings) {
        this.tun = tun;
        this.netlink = netlink;
        this.linkIndex = linkIndex;
        ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
        byte[] key = settings.privateKey();
        try {
            this.device = new WireGuardDevice(key, this, WireGuardClock.system(),
                    settings.options().withMtu(settings.mtu()), allocator);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        // Frames arrive on the socket's loop and are forwarded from there: queued, and flushed
        // once per batch of reads (UdpEndpoint's channelReadComplete).
        this.relayForwarder = new RelayForwarder(MAX_RELAY_BINDINGS, this::forwardFrame, System::nanoTime);
        this.relayClients = new RelayClients(device, MAX_RELAYED_ENDPOINTS);
        this.relayDemux = new RelayDemux(relayForwarder, relayClients);
    }

    /**
     * Creates the TUN interface, sets MTU and addresses and brings it up, binds the UDP socket
     * and starts the threads. On failure everything made so far is undone.
     */
    public static Dataplane start(DataplaneSettings settings) {
        TunDevice tun = TunDevice.open(settings.tunName(), settings.mtu(), settings.offloads().tun(),
                settings.offloads().tunGro());
        Netlink netlink = null;
        Dataplane dataplane = null;
        try {
            netlink = Netlink.open();
            int index = netlink.linkIndex(tun.name());
            netlink.setMtu(index, settings.mtu());
            for (DataplaneSettings.InterfaceAddress a : settings.addresses()) {
                netlink.addAddress(index, a.address(), a.prefixLength());
            }
            netlink.setLinkUp(index, true);
            dataplane = new Dataplane(tun, netlink, index, settings);
            // room for the largest datagram: MTU + WireGuard header, padding and tag, in a relay frame
            int maxDatagram = Math.max(2048, settings.mtu() + 64 + dev.weft.dataplane.wireguard.Endpoint.Relayed.FRAME_HEADER);
            WireGuardDevice device = dataplane.device;
            DataplaneSettings.Offloads offloads = settings.offloads();
            Dataplane self = dataplane;
            DatagramReceiver receiver = new DatagramReceiver() {
                @Override
                public void receiveDatagram(ByteBuf datagram, InetSocketAddress from) {
                    self.inReceiveBatch = true;
                    device.receiveDatagram(datagram, from);
                }

                @Override
                public void batchEnd() {
                    self.inReceiveBatch = false;
                    tun.flushBatch();
                }
            };
            dataplane.udp = UdpEndpoint.bind(settings.listenPort(), maxDatagram, receiver,
                    settings.control(), dataplane.relayDemux, new UdpOffloads(offloads.udpGso(), offloads.udpGro()));
            UdpEndpoint endpoint = dataplane.udp;
            tun.startReader(new TunDevice.PacketHandler() {
                @Override
                public void onPacket(ByteBuf packet) {
                    self.inTunBatch = true;
                    device.sendPacket(packet);
                }

                @Override
                public void onBatchEnd() {
                    self.inTunBatch = false;
                    endpoint.flush();
                }
            }, PooledByteBufAllocator.DEFAULT, endpoint.eventLoop());
            return dataplane;
        } catch (RuntimeException e) {
            if (dataplane != null) {
                dataplane.close();
            } else {
                tun.close();
                if (netlink != null) {
                    netlink.close();
                }
            }
            throw e;
        }
    }

    /** The WireGuard device: peers, keys, counters. */
    public WireGuardDevice device() {
        return device;
    }

    /**
     * The relay role's forwarder: which bindings exist is the control protocol's decision
     * (lighthouse/); unused unless the node is a relay.
     */
    public RelayForwarder relayForwarder() {
        return relayForwarder;
    }

    /** The relayed endpoints this node's sessions may use (attached by the control protocol). */
    public RelayClients relayClients() {
        return relayClients;
    }

    /** Relay frames that neither the forwarder nor the clients took. */
    public RelayDemux.Counters relayCounters() {
        return relayDemux.counters();
    }

    /** The TUN interface's name. */
    public String interfaceName() {
        return tun.name();
    }

    /** Whether the TUN device reads super-packets (offloads asked for and granted by the kernel). */
    public boolean tunOffloads() {
        return tun.offloads();
    }

    /** TUN reads that returned a super-packet. */
    public long tunSuperPackets() {
        return tun.superPackets();
    }

    /** TUN super-packets refused as malformed (never expected from a kernel). */
    public long tunRefusedSuperPackets() {
        return tun.refusedSuperPackets();
    }

    /** The bound UDP port. */
    public int listenPort() {
        return udp.port();
    }

    /** The UDP socket (for sending control messages). */
    public UdpEndpoint udp() {
        return udp;
    }

    /** Counters of the UDP demultiplexer. */
    public UdpCounters udpCounters() {
        return udp.counters();
    }

    /** What the UDP offloads did (GSO writes and GRO reads). */
    public UdpOffloadCounters udpOffloadCounters() {
        return udp.offloadCounters();
    }

    /** Adds (or replaces) a kernel route to {@code prefix} through the TUN interface. */
    public void addRoute(IpPrefix prefix) {
        netlink.replaceRoute(linkIndex, prefix.inetAddress(), prefix.length());
    }

    /** Removes the kernel route to {@code prefix} through the TUN interface. */
    public void removeRoute(IpPrefix prefix) {
        netlink.deleteRoute(linkIndex, prefix.inetAddress(), prefix.length());
    }

    @Override
    public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
        UdpEndpoint u = udp;
        if (u == null || closed) {
            datagram.release();
        } else if (u.inEventLoop() && inTunBatch) { // the flag means something only on the loop
            u.write(datagram, to); // flushed at the end of the TUN batch
        } else {
            u.send(datagram, to);
        }
    }

    private void forwardFrame(ByteBuf frame, InetSocketAddress to) {
        UdpEndpoint u = udp;
        if (u == null || closed) {
            frame.release();
        } else if (u.inEventLoop()) {
            u.write(frame, to);
        } else {
            u.send(frame, to);
        }
    }

    @Override
    public void deliverPacket(ByteBuf ipPacket) {
        UdpEndpoint u = udp;
        if (u != null && inReceiveBatch && u.inEventLoop()) { // the flag means something only on the loop
            tun.writeBatched(ipPacket); // merged with the batch's other segments, written at its end
        } else {
            tun.write(ipPacket); // releases it
        }
    }

    /** Whether TUN writes merge TCP segments (GRO). */
    public boolean tunGro() {
        return tun.gro();
    }

    /** Merged TCP writes to TUN (GRO). */
    public long tunGroWrites() {
        return tun.groWrites();
    }

    /** TCP segments that went into merged TUN writes. */
    public long tunGroSegments() {
        return tun.groSegments();
    }

    /** Stops the socket, the reader and the timers; removes the interface. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        UdpEndpoint u = udp;
        if (u != null) {
            u.close();
        }
        tun.close();
        device.close();
        netlink.close();
    }
}

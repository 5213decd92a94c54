package dev.weft.dataplane.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's one UDP socket (Netty native epoll), bound dual-stack to {@code [::]:port}.
 *
 * <p>Incoming datagrams are sorted by their first byte: 1 to 4 are WireGuard messages for the
 * {@link DatagramReceiver}; {@link #RELAY_FRAME} is a relay frame for the {@link RelayReceiver};
 * the rest of {@link #CONTROL_FIRST}..{@link #CONTROL_LAST} are weft control messages for the
 * {@link ControlHandler} (which uses 0xF0 and 0xF1); anything else (and empty datagrams) is
 * dropped and counted. Sender addresses are normalized ({@link Addresses#normalize}).
 *
 * <p>{@link #write} queues without flushing (the TUN reader flushes once per batch, and the
 * socket's own read loop at the end of each batch of reads, so Netty can send a batch with
 * {@code sendmmsg}); {@link #send} writes and flushes. Both take
 * ownership of the buffer and may be called from any thread. With {@link UdpOffloads#gso()},
 * what the loop writes in a batch is coalesced into GSO runs ({@link GsoBatcher}); with
 * {@link UdpOffloads#gro()}, a read may hold several datagrams of one sender, which
 * Netty cuts apart (retained slices of the read, no copy) before the demultiplexer sees them
 * ({@link GroReadCounter} counts such reads).
 */
public final class UdpEndpoint implements AutoCloseable {
    /** First byte of the weft control range; WireGuard only uses 1 to 4. */
    public static final int CONTROL_FIRST = 0xF0;
    /** Last byte of the weft control range. */
    public static final int CONTROL_LAST = 0xFF;
    /** First byte of a relay frame: {@code [0xF2][binding id, 8 bytes big-endian][WireGuard datagram]}. */
    public static final int RELAY_FRAME = 0xF2;
    /** A read's buffer with GRO: the most the kernel coalesces (64 KiB of UDP payload). */
    private static final int GRO_READ = 65536;

    private final EventLoopGroup group;
    private final Channel channel;
    private final Demux demux;
    private final int maxDatagram;
    /** Coalesces the loop's writes into GSO runs; only the loop touches it. */
    private final GsoBatcher batcher;
    /** GSO asked for, supported, and not yet refused by the kernel. */
    private volatile boolean gso;
    private final LoopCounter gsoWrites = new LoopCounter();
    private final LoopCounter gsoDatagrams = new LoopCounter();
    private final LoopCounter gsoFailures = new LoopCounter();
    /** Turns GSO off for good when the kernel refuses a GSO write (its datagrams are lost, as on a full queue). */
    private final io.netty.channel.ChannelFutureListener gsoRefused = f -> {
        if (!f.isSuccess()) {
            gsoFailures.increment();
            gso = false;
        }
    };
    /** Destinations that a spare socket serves instead of the main one (birthday probing); copy on write. */
    private volatile Map<InetSocketAddress, Channel> pinned = Map.of();

    /** UDP_GRO asked for and set on the socket. */
    private final boolean gro;

    private UdpEndpoint(EventLoopGroup group, Channel channel, Demux demux, int maxDatagram, UdpOffloads offloads,
                        boolean gro) {
        this.gro = gro;
        this.group = group;
        this.channel = channel;
        this.demux = demux;
        this.maxDatagram = maxDatagram;
        this.gso = offloads.gso() && SegmentedDatagramPacket.isSupported();
        this.batcher = new GsoBatcher(channel.alloc(), this::emit);
        demux.owner = this;
    }

    /**
     * Binds {@code [::]:port} (IPv4 and IPv6; port 0 picks a free port) without a relay
     * receiver: relay frames are dropped and counted.
     *
     * @param maxDatagram the largest datagram to receive whole
     * @throws IllegalStateException when the port cannot be bound (message says why)
     */
    public static UdpEndpoint bind(int port, int maxDatagram, DatagramReceiver wireguard, ControlHandler control) {
        return bind(port, maxDatagram, wireguard, control, null);
    }

    /**
     * Binds {@code [::]:port} (IPv4 and IPv6; port 0 picks a free port).
     *
     * @param maxDatagram the largest datagram to receive whole (a relay frame is 9 bytes longer
     *     than the WireGuard datagram it carries)
     * @param relay receives relay frames; null drops them (counted)
     * @throws IllegalStateException when the port cannot be bound (message says why)
     */
    public static UdpEndpoint bind(int port, int maxDatagram, DatagramReceiver wireguard, ControlHandler control,
                                   RelayReceiver relay) {
        return bind(port, maxDatagram, wireguard, control, relay, UdpOffloads.NONE);
    }

    /**
     * Binds {@code [::]:port} (IPv4 and IPv6; port 0 picks a free port) with the given offloads
     * where the kernel has them ({@link #gso()} says whether GSO is in use).
     *
     * @param maxDatagram the largest datagram to receive whole (a relay frame is 9 bytes longer
     *     than the WireGuard datagram it carries)
     * @param relay receives relay frames; null drops them (counted)
     * @throws IllegalStateException when the port cannot be bound (message says why)
     */
    public static UdpEndpoint bind(int port, int maxDatagram, DatagramReceiver wireguard, ControlHandler control,
                                   RelayReceiver relay, UdpOffloads offloads) {
        Objects.requireNonNull(offloads, "offloads");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 0..65535");
        }
        Demux demux = new Demux(Objects.requireNonNull(wireguard, "wireguard"), Objects.requireNonNull(control, "control"),
                relay);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("weft-udp", true),
                EpollIoHandler.newFactory());
        // With GRO a read returns up to 64 KiB of one sender's datagrams; plain recvmsg (no
        // MAX_DATAGRAM_PAYLOAD_SIZE, so no recvmmsg), because Netty's recvmmsg loses the segment size.
        boolean gro = offloads.gro() && SegmentedDatagramPacket.isSupported();
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET6))
                    .option(ChannelOption.RCVBUF_ALLOCATOR, gro
                            ? new GroReadCounter(GRO_READ, demux.groReads, demux.groDatagrams)
                            : new FixedRecvByteBufAllocator(maxDatagram))
                    // The pooled allocator, not Netty 4.2's adaptive default: that one allocated
                    // a new zeroed direct buffer for every 64 KiB GRO read and GSO run, and its
                    // slices made a new NIO view per access (5-8 % of the loop's time, JFR).
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(ChannelOption.SO_SNDBUF, 4 << 20)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                    .handler(demux);
            if (gro) {
                bootstrap.option(EpollChannelOption.UDP_GRO, true);
            }
            Channel channel = bootstrap
                    .bind(new InetSocketAddress(anyV6(), port))
                    .syncUninterruptibly()
                    .channel();
            return new UdpEndpoint(group, channel, demux, maxDatagram, offloads, gro);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot bind UDP [::]:" + port + ": " + e.getMessage(), e);
        }
    }

    private static InetAddress anyV6() {
        try {
            return InetAddress.getByName("::");
        } catch (UnknownHostException e) {
            throw new AssertionError("'::' is a literal", e);
        }
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Writes and flushes one datagram. Takes ownership. */
    public void send(ByteBuf datagram, InetSocketAddress to) {
        Map<InetSocketAddress, Channel> p = pinned;
        Channel c = p.isEmpty() ? channel : p.getOrDefault(to, channel);
        if (c == channel && channel.eventLoop().inEventLoop()) {
            batcher.flush(); // a run pending on the loop goes first
        }
        c.writeAndFlush(new DatagramPacket(datagram, to), c.voidPromise());
    }

    /**
     * Queues one datagram without flushing; call {@link #flush} after a batch. When the queue
     * is over its high-water mark the datagram is dropped (counted), as a full NIC queue would.
     */
    public void write(ByteBuf datagram, InetSocketAddress to) {
        Map<InetSocketAddress, Channel> p = pinned;
        if (!p.isEmpty()) {
            Channel spare = p.get(to);
            if (spare != null) {
                SpareSockets.send(spare, datagram, to); // rare: not worth batching
                return;
            }
        }
        if (!channel.isWritable()) {
            demux.droppedOutbound.increment();
            datagram.release();
            return;
        }
        if (gso && channel.eventLoop().inEventLoop()) {
            batcher.add(datagram, to);
        } else {
            channel.write(new DatagramPacket(datagram, to), channel.voidPromise());
        }
    }

    /** What the batcher hands on, on the loop: one datagram, or a GSO run. */
    private void emit(ByteBuf content, int segmentSize, InetSocketAddress to) {
        if (segmentSize == 0) {
            channel.write(new DatagramPacket(content, to), channel.voidPromise());
            return;
        }
        gsoWrites.increment();
        gsoDatagrams.add((content.readableBytes() + segmentSize - 1) / segmentSize);
        channel.write(new SegmentedDatagramPacket(content, segmentSize, to), channel.newPromise().addListener(gsoRefused));
    }

    /** Whether writes on the loop are coalesced into GSO runs (asked for, supported, never refused). */
    public boolean gso() {
        return gso;
    }

    /** Whether the socket receives with UDP_GRO (asked for and supported). */
    public boolean gro() {
        return gro;
    }

    /** What the offloads did. */
    public UdpOffloadCounters offloadCounters() {
        return new UdpOffloadCounters(gsoWrites.get(), gsoDatagrams.get(), gsoFailures.get(), demux.groReads.get(),
                demux.groDatagrams.get());
    }

    /**
     * Opens {@code count} spare sockets on ephemeral ports whose datagrams are handled as the main
     * socket's are (birthday probing). The caller closes them.
     */
    public SpareSockets openSpares(int count) {
        return SpareSockets.open(this, group, demux, count, maxDatagram);
    }

    synchronized void pin(InetSocketAddress to, Channel spare) {
        Map<InetSocketAddress, Channel> next = new java.util.HashMap<>(pinned);
        Channel old = next.put(to, spare);
        pinned = Map.copyOf(next);
        if (old != null && old != spare) {
            old.close();
        }
    }

    /** Datagrams to {@code to} leave from the main socket again; the spare that served it is closed. */
    public synchronized void unpin(InetSocketAddress to) {
        Map<InetSocketAddress, Channel> next = new java.util.HashMap<>(pinned);
        Channel old = next.remove(to);
        pinned = Map.copyOf(next);
        if (old != null && !next.containsValue(old)) {
            old.close();
        }
    }

    /** Destinations served by a spare socket. */
    public java.util.Set<InetSocketAddress> pinnedDestinations() {
        return pinned.keySet();
    }

    /** Flushes queued datagrams (Netty sends them with sendmmsg; runs of them as GSO writes). */
    public void flush() {
        if (channel.eventLoop().inEventLoop()) {
            batcher.flush();
        }
        channel.flush();
    }

    /** The event loop that owns the socket (other descriptors may share it, such as TUN). */
    public IoEventLoop eventLoop() {
        return (IoEventLoop) channel.eventLoop();
    }

    /** Whether the calling thread is the socket's event loop. */
    public boolean inEventLoop() {
        return channel.eventLoop().inEventLoop();
    }

    /** Counters of the demultiplexer. */
    public UdpCounters counters() {
        return new UdpCounters(demux.wireguardCount.get(), demux.controlCount.get(), demux.dropped.get(),
                demux.droppedOutbound.sum(), demux.relayCount.get());
    }

    /** Closes the socket and stops its event loop. */
    @Override
    public void close() {
        for (Channel spare : pinned.values()) {
            spare.close();
        }
        channel.close().syncUninterruptibly();
        if (!group.isShuttingDown()) {
            try {
                channel.eventLoop().submit(batcher::discard).await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the loop is gone; a pending run is garbage with it
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Sorts datagrams by first byte. Runs on the socket's one event-loop thread, the only
     * writer of the receive counters: they are {@link LoopCounter}s (an ordered store, no
     * fence and no atomic read-modify-write per datagram). {@link #write} may run on any
     * thread, so its drop counter is a {@link LongAdder}.
     */
    static final class Demux extends ChannelInboundHandlerAdapter {
        private final DatagramReceiver wireguard;
        private final ControlHandler control;
        private final RelayReceiver relay;
        final LoopCounter wireguardCount = new LoopCounter();
        final LoopCounter relayCount = new LoopCounter();
        final LoopCounter controlCount = new LoopCounter();
        final LoopCounter dropped = new LoopCounter();
        final LoopCounter groReads = new LoopCounter();
        final LoopCounter groDatagrams = new LoopCounter();
        final LongAdder droppedOutbound = new LongAdder();
        /** Set once the endpoint exists; its batched run is flushed at the end of a read batch. */
        volatile UdpEndpoint owner;

        Demux(DatagramReceiver wireguard, ControlHandler control, RelayReceiver relay) {
            this.wireguard = wireguard;
            this.control = control;
            this.relay = relay;
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            dispatch(packet.content(), packet.sender());
        }

        /** Hands the datagram on by its first byte; takes ownership. */
        void dispatch(ByteBuf content, InetSocketAddress sender) {
            if (!content.isReadable()) {
                dropped.increment();
                content.release();
                return;
            }
            int first = content.getUnsignedByte(content.readerIndex());
            if (first >= 1 && first <= 4) {
                wireguardCount.increment();
                wireguard.receiveDatagram(content, Addresses.normalize(sender));
            } else if (first == RELAY_FRAME && relay != null) {
                relayCount.increment();
                relay.onRelayFrame(content, Addresses.normalize(sender));
            } else if (first >= CONTROL_FIRST && first != RELAY_FRAME) {
                controlCount.increment();
                control.onControl(content, Addresses.normalize(sender));
            } else {
                dropped.increment();
                content.release();
            }
        }

        /** A batch of reads ended (on this socket or a spare): the receiver writes what it held. */
        void batchEnd() {
            wireguard.batchEnd();
        }

        /**
         * The end of a batch of reads: what the receivers queued with {@link UdpEndpoint#write}
         * meanwhile (a relay's forwarded frames) goes out in one flush (sendmmsg).
         */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            batchEnd();
            UdpEndpoint o = owner;
            if (o != null && o.channel == ctx.channel()) {
                o.flush();
            } else {
                ctx.channel().flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a failed receive (e.g. ICMP port unreachable reported as an error) is not fatal
        }
    }
}

package dev.weft.dataplane.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Extra UDP sockets for birthday probing, the one case where the node's one socket is not enough.
 * Behind a NAT that maps every destination to a new port ("symmetric"), the node sends from each
 * spare socket to the peer's address, so its NAT holds that many mappings towards the peer; the
 * peer sprays probes at random ports of the NAT's address, and one hits a mapping after about a
 * thousand probes for 256 sockets. The spare that heard from the peer is then {@linkplain #pin
 * pinned} to it: everything the node sends to that address, WireGuard and control alike, leaves
 * from that spare, and what arrives there is handled as if it came to the main socket. The rest are
 * closed.
 */
public final class SpareSockets implements AutoCloseable {
    /** A datagram that only opens a NAT mapping; the receiving end drops it. */
    public static final byte OPENER = (byte) 0xFE;
    private static final int MAX_HEARD = 1024;

    private final UdpEndpoint owner;
    private final List<Channel> sockets;
    /** Who was heard on which spare, most recent first to win; bounded. */
    private final Map<InetSocketAddress, Integer> heard = new ConcurrentHashMap<>();
    private final java.util.BitSet pinnedSpares = new java.util.BitSet();
    private boolean closed;

    private SpareSockets(UdpEndpoint owner, List<Channel> sockets) {
        this.owner = owner;
        this.sockets = sockets;
    }

    static SpareSockets open(UdpEndpoint owner, EventLoopGroup group, UdpEndpoint.Demux demux, int count,
                             int maxDatagram) {
        SpareSockets spares = new SpareSockets(owner, new ArrayList<>(count));
        try {
            for (int i = 0; i < count; i++) {
                int index = i;
                Channel c = new Bootstrap().group(group)
                        .channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET6))
                        .option(io.netty.channel.ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxDatagram))
                        .option(io.netty.channel.ChannelOption.ALLOCATOR, io.netty.buffer.PooledByteBufAllocator.DEFAULT)
                        .handler(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (!(msg instanceof DatagramPacket packet)) {
                                    io.netty.util.ReferenceCountUtil.release(msg);
                                    return;
                                }
                                InetSocketAddress from = Addresses.normalize(packet.sender());
                                if (spares.heard.size() < MAX_HEARD || spares.heard.containsKey(from)) {
                                    spares.heard.put(from, index);
                                }
                                demux.dispatch(packet.content(), from);
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                demux.batchEnd();
                                ctx.fireChannelReadComplete();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                // as on the main socket: an ICMP error reported on receive is not fatal
                            }
                        })
                        .bind(new InetSocketAddress(InetAddress.getByName("::"), 0)).syncUninterruptibly().channel();
                spares.sockets.add(c);
            }
        } catch (RuntimeException | java.net.UnknownHostException e) {
            spares.close();
            throw new IllegalStateException("cannot open " + count + " spare UDP sockets: " + e.getMessage(), e);
        }
        return spares;
    }

    public int size() {
        return sockets.size();
    }

    /** Sends {@code datagram} once from every spare to {@code to}. */
    public synchronized void sendFromEach(byte[] datagram, InetSocketAddress to) {
        if (closed) {
            return;
        }
        for (Channel c : sockets) {
            c.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to), c.voidPromise());
        }
    }

    /** The spare on which {@code from} was heard, or -1. */
    public int heardOn(InetSocketAddress from) {
        Integer i = heard.get(from);
        return i == null ? -1 : i;
    }

    /**
     * From now on datagrams to {@code to} leave from spare {@code index}, which stays open after
     * {@link #close} until {@link UdpEndpoint#unpin} closes it.
     */
    public synchronized void pin(int index, InetSocketAddress to) {
        if (closed || index < 0 || index >= sockets.size()) {
            throw new IllegalArgumentException("no spare socket " + index);
        }
        pinnedSpares.set(index);
        owner.pin(to, sockets.get(index));
    }

    /** Closes every spare not pinned. */
    @Override
    public synchronized void close() {
        closed = true;
        for (int i = 0; i < sockets.size(); i++) {
            if (!pinnedSpares.get(i)) {
                sockets.get(i).close();
            }
        }
        heard.clear();
    }

    static void send(Channel c, ByteBuf datagram, InetSocketAddress to) {
        c.writeAndFlush(new DatagramPacket(datagram, to), c.voidPromise());
    }
}

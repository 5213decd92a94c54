package dev.weft.node.dns;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's DNS server: names in the mesh domain and PTR of overlay addresses from
 * {@link MeshNames}, everything else forwarded to upstreams (split by domain, cached), on UDP
 * and TCP at each listen address. One Netty epoll event loop serves every socket; mesh answers
 * are computed on it, forwarded ones complete on dnsjava's resolver threads.
 *
 * <pre>{@code
 * DnsServer dns = DnsServer.start(DnsOptions.defaults(listen, upstreams), meshNames);
 * ...
 * dns.close();
 * }</pre>
 */
public final class DnsServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final List<Channel> channels;
    private final List<InetSocketAddress> addresses;
    private final DnsCounters counters;

    private final MeshZone zone;
    private final Forwarder forwarder;
    private final QueryHandler handler;

    private DnsServer(EventLoopGroup group, List<Channel> channels, List<InetSocketAddress> addresses, DnsCounters counters,
                      MeshZone zone, Forwarder forwarder, QueryHandler handler) {
        this.handler = handler;
        this.zone = zone;
        this.forwarder = forwarder;
        this.group = group;
        this.channels = channels;
        this.addresses = addresses;
        this.counters = counters;
    }

    /**
     * Binds UDP and TCP on every {@code options.listen()} address and starts answering. Port 0
     * picks a free port, the same for UDP and TCP of one address.
     *
     * @throws IOException when an address cannot be bound (in use, not a local address, port 53 without the capability)
     */
    public static DnsServer start(DnsOptions options, MeshNames mesh) throws IOException {
        return start(options, mesh, Ticker.systemTicker());
    }

    static DnsServer start(DnsOptions options, MeshNames mesh, Ticker ticker) throws IOException {
        Objects.requireNonNull(mesh, "mesh");
        if (options.listen().isEmpty()) {
            throw new IllegalArgumentException("dns.listen: no addresses");
        }
        DnsCounters counters = new DnsCounters();
        boolean forwards = !options.upstreams().isEmpty() || !options.forward().isEmpty();
        MeshZone zone = new MeshZone(options.domain(), mesh, options.ttl().toSeconds(), forwards);
        Forwarder forwarder = new Forwarder(new SplitRoutes(options.upstreams(), options.forward()),
                new ResponseCache(options.cacheEntries(), options.maxCacheTtl(), ticker), options.upstreamTimeout(),
                options.udpPayload(), options.maxForwarded(), counters);
        RateLimiter limiter = new RateLimiter(options.ratePerSecond(), options.rateBurst(), options.rateSources(), ticker);
        QueryHandler handler = new QueryHandler(zone, forwarder, limiter, options.udpPayload(), counters, ticker);

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("weft-dns", true),
                EpollIoHandler.newFactory());
        List<Channel> channels = new ArrayList<>();
        List<InetSocketAddress> bound = new ArrayList<>();
        AtomicInteger tcpOpen = new AtomicInteger();
        UdpListener udp = new UdpListener(handler);
        try {
            for (InetSocketAddress address : options.listen()) {
                SocketProtocolFamily family = address.getAddress() instanceof Inet6Address
                        ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
                Channel u = new Bootstrap().group(group)
                        .channelFactory(() -> new EpollDatagramChannel(family))
                        // Up to 16 datagrams of at most 4096 bytes per read, in one recvmmsg.
                        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 4096)
                        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(16 * 4096))
                        .option(ChannelOption.SO_RCVBUF, 1 << 20)
                        .handler(udp)
                        .bind(address).sync().channel();
                channels.add(u);
                InetSocketAddress actual = (InetSocketAddress) u.localAddress();
                Channel t = new ServerBootstrap().group(group)
                        .channelFactory(() -> new EpollServerSocketChannel(family))
                        .option(ChannelOption.SO_BACKLOG, 128)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<EpollSocketChannel>() {
                            @Override
                            protected void initChannel(EpollSocketChannel ch) {
                                ch.pipeline().addLast(new TcpConnection(handler, tcpOpen, options.maxTcpConnections()));
                            }
                        })
                        .bind(actual).sync().channel();
                channels.add(t);
                bound.add(actual);
            }
        } catch (Exception e) {
            DnsServer partial = new DnsServer(group, channels, bound, counters, zone, forwarder, handler);
            partial.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("DNS: cannot listen on " + options.listen() + ": " + e.getMessage(), e);
        }
        return new DnsServer(group, List.copyOf(channels), List.copyOf(bound), counters, zone, forwarder, handler);
    }

    /**
     * Forwards later questions to other servers ({@code dns.upstreams} and {@code dns.forward} on
     * reload); the cache is emptied, since its answers came from the old servers.
     */
    public void reroute(List<InetSocketAddress> upstreams, java.util.Map<String, List<InetSocketAddress>> forward) {
        forwarder.use(new SplitRoutes(upstreams, forward));
        handler.upstreamsChanged();
        zone.recursionAvailable(!upstreams.isEmpty() || !forward.isEmpty());
    }

    /** The addresses answered on, UDP and TCP each, with the ports actually bound. */
    public List<InetSocketAddress> addresses() {
        return addresses;
    }

    public DnsStats stats() {
        return counters.snapshot();
    }

    /** Closes every socket and stops the event loop; queries in flight get no answer. */
    @Override
    public void close() {
        for (Channel c : channels) {
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}

package dev.weft.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.netlink.Netlink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * TUN with offloads against the kernel (root only, in a throw-away namespace): the same
 * packets arrive as without offloads, and writes carry the virtio-net header.
 */
class TunOffloadTest {

    /** What the reader got, as arrays, with the device's own counters. */
    private static List<byte[]> udpGsoThrough(boolean offloads, byte[] payload, int segment) throws Exception {
        Assumptions.assumeTrue(NetnsThread.isRoot(), "skipped: TUN tests need root");
        String ns = "weft-tuno-" + ProcessHandle.current().pid() + (offloads ? "o" : "p");
        try (NetnsThread thread = NetnsThread.create(ns)) {
            TunDevice tun = thread.call(() -> TunDevice.open("wtun3", 1420, offloads));
            assertEquals(offloads, tun.offloads());
            if (offloads) {
                assertEquals(0x67, tun.offloadFlags(), "CSUM, TSO4/6 and USO4/6 on this kernel");
            }
            MultiThreadIoEventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            BlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
            EpollDatagramChannel udp = null;
            try (Netlink nl = thread.call(Netlink::open)) {
                int index = nl.linkIndex("wtun3");
                nl.setMtu(index, 1420);
                nl.addAddress(index, InetAddress.getByName("100.64.7.1"), 24);
                nl.setLinkUp(index, true);
                tun.startReader(new TunDevice.PacketHandler() {
                    @Override
                    public void onPacket(ByteBuf packet) {
                        assertTrue(packet.readerIndex() >= TunDevice.HEADROOM && packet.writableBytes() >= TunDevice.TAILROOM);
                        byte[] b = new byte[packet.readableBytes()];
                        packet.getBytes(packet.readerIndex(), b);
                        packet.release();
                        if (b.length > 28 && (b[0] & 0xf0) == 0x40 && b[9] == 17) {
                            got.add(b);
                        }
                    }

                    @Override
                    public void onBatchEnd() {
                    }
                }, PooledByteBufAllocator.DEFAULT, loop.next());
                // The socket belongs to the namespace it is created in.
                udp = thread.call(EpollDatagramChannel::new);
                udp.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    }
                });
                loop.register(udp).syncUninterruptibly();
                udp.bind(new InetSocketAddress("100.64.7.1", 40000)).syncUninterruptibly();
                InetSocketAddress to = new InetSocketAddress("100.64.7.2", 9999);
                udp.writeAndFlush(new SegmentedDatagramPacket(Unpooled.wrappedBuffer(payload), segment, to))
                        .syncUninterruptibly();
                List<byte[]> packets = new ArrayList<>();
                int expected = (payload.length + segment - 1) / segment;
                for (int i = 0; i < expected; i++) {
                    byte[] p = got.poll(5, TimeUnit.SECONDS);
                    if (p == null) {
                        throw new AssertionError("only " + i + " of " + expected + " packets arrived");
                    }
                    packets.add(p);
                }
                assertEquals(0, tun.refusedSuperPackets());
                assertEquals(offloads ? 1 : 0, tun.superPackets(), "with offloads the kernel hands over one super-packet");
                return packets;
            } finally {
                if (udp != null) {
                    udp.close().syncUninterruptibly();
                }
                tun.close();
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    private static int sum(byte[] b, int from, int to, long start) {
        long s = start;
        for (int i = from; i < to; i++) {
            s += ((i - from) % 2 == 0) ? (b[i] & 0xff) << 8 : (b[i] & 0xff);
        }
        while (s > 0xffff) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) s;
    }

    @Test
    void udpGsoArrivesAsTheSameDatagramsWithAndWithoutOffloads() throws Exception {
        byte[] payload = new byte[10 * 1300 + 77];
        new Random(11).nextBytes(payload);
        List<byte[]> plain = udpGsoThrough(false, payload, 1300);
        List<byte[]> offloaded = udpGsoThrough(true, payload, 1300);
        assertEquals(plain.size(), offloaded.size());
        for (int i = 0; i < plain.size(); i++) {
            byte[] a = plain.get(i);
            byte[] b = offloaded.get(i);
            assertEquals(a.length, b.length, "segment " + i);
            // Everything but the IPv4 identification and header checksum (the id counter moves).
            assertArrayEquals(java.util.Arrays.copyOfRange(a, 20, a.length), java.util.Arrays.copyOfRange(b, 20, b.length),
                    "UDP header, checksum and payload of segment " + i);
            assertArrayEquals(java.util.Arrays.copyOfRange(a, 0, 4), java.util.Arrays.copyOfRange(b, 0, 4));
            assertArrayEquals(java.util.Arrays.copyOfRange(a, 6, 10), java.util.Arrays.copyOfRange(b, 6, 10));
            assertArrayEquals(java.util.Arrays.copyOfRange(a, 12, 20), java.util.Arrays.copyOfRange(b, 12, 20));
            assertEquals(0xffff, sum(b, 0, 20, 0), "IPv4 header checksum");
            long pseudo = sum(b, 12, 20, 17 + (b.length - 20));
            assertEquals(0xffff, sum(b, 20, b.length, pseudo), "UDP checksum");
        }
    }

    @Test
    void pingIsAnsweredThroughTunWithOffloads() throws Exception {
        Assumptions.assumeTrue(NetnsThread.isRoot(), "skipped: TUN tests need root");
        String ns = "weft-tunp-" + ProcessHandle.current().pid();
        try (NetnsThread thread = NetnsThread.create(ns)) {
            TunDevice tun = thread.call(() -> TunDevice.open("wtun4", 1420, true));
            assertTrue(tun.offloads());
            MultiThreadIoEventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            try (Netlink nl = thread.call(Netlink::open)) {
                int index = nl.linkIndex("wtun4");
                nl.addAddress(index, InetAddress.getByName("100.64.7.1"), 24);
                nl.setLinkUp(index, true);
                tun.startReader(new TunDevice.PacketHandler() {
                    @Override
                    public void onPacket(ByteBuf packet) {
                        if (IcmpEcho.turnIntoReply(packet)) {
                            tun.write(packet); // direct with headroom: the header goes in front
                        } else {
                            packet.release();
                        }
                    }

                    @Override
                    public void onBatchEnd() {
                    }
                }, PooledByteBufAllocator.DEFAULT, loop.next());
                NetnsThread.Result ping = NetnsThread.run("ip", "netns", "exec", ns,
                        "ping", "-c", "2", "-i", "0.2", "-W", "2", "-s", "1300", "100.64.7.9");
                assertEquals(0, ping.exit(), ping.output());
                // A heap packet goes through the copy path with the header too.
                byte[] udp = new byte[28];
                udp[0] = 0x45;
                udp[3] = 28;
                udp[8] = 64;
                udp[9] = 17;
                udp[12] = 100; udp[13] = 64; udp[14] = 7; udp[15] = 9;
                udp[16] = 100; udp[17] = 64; udp[18] = 7; udp[19] = 1;
                udp[25] = 8;
                int s = sum(udp, 0, 20, 0);
                udp[10] = (byte) (~s >> 8);
                udp[11] = (byte) ~s;
                assertTrue(tun.write(Unpooled.wrappedBuffer(udp)), "taken with a virtio-net header in front");
            } finally {
                tun.close();
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }
}

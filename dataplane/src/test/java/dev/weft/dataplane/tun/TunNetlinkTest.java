package dev.weft.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.netlink.Netlink;
import dev.weft.dataplane.netlink.NetlinkException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.concurrent.TimeUnit;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** TUN and netlink against the real kernel, inside a throw-away network namespace (root only). */
class TunNetlinkTest {

    @Test
    void configuresTheInterfaceAndAnswersPingThroughTun() throws Exception {
        Assumptions.assumeTrue(NetnsThread.isRoot(), "skipped: TUN/netlink tests need root");
        String ns = "weft-tun-" + ProcessHandle.current().pid();
        try (NetnsThread thread = NetnsThread.create(ns)) {
            AtomicInteger echoed = new AtomicInteger();
            TunDevice tun = thread.call(() -> TunDevice.open("wtun0", 1420));
            MultiThreadIoEventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            try (Netlink nl = thread.call(Netlink::open)) {
                int index = nl.linkIndex("wtun0");
                assertTrue(index > 0);
                nl.setMtu(index, 1380);
                nl.addAddress(index, InetAddress.getByName("100.64.7.1"), 24);
                nl.addAddress(index, InetAddress.getByName("fd00:7::1"), 64);
                nl.setLinkUp(index, true);
                nl.replaceRoute(index, InetAddress.getByName("100.64.8.9"), 24);
                nl.replaceRoute(index, InetAddress.getByName("100.64.8.0"), 24); // idempotent
                nl.replaceRoute(index, InetAddress.getByName("fd00:8::"), 64);

                NetlinkException dup = assertThrows(NetlinkException.class,
                        () -> nl.addAddress(index, InetAddress.getByName("100.64.7.1"), 24));
                assertTrue(dup.getMessage().contains("EEXIST"), dup.getMessage());
                NetlinkException none = assertThrows(NetlinkException.class, () -> nl.linkIndex("nosuch0"));
                assertTrue(none.getMessage().contains("ENODEV"), none.getMessage());

                String link = NetnsThread.run("ip", "-n", ns, "-o", "link", "show", "wtun0").output();
                assertTrue(link.contains("mtu 1380") && link.contains(",UP"), link);
                String addrs = NetnsThread.run("ip", "-n", ns, "-o", "addr", "show", "wtun0").output();
                assertTrue(addrs.contains("100.64.7.1/24") && addrs.contains("fd00:7::1/64"), addrs);
                String routes = NetnsThread.run("ip", "-n", ns, "route", "show", "100.64.8.0/24").output();
                assertTrue(routes.contains("dev wtun0"), routes);
                String routes6 = NetnsThread.run("ip", "-n", ns, "-6", "route", "show", "fd00:8::/64").output();
                assertTrue(routes6.contains("dev wtun0"), routes6);

                tun.startReader(new TunDevice.PacketHandler() {
                    @Override
                    public void onPacket(ByteBuf packet) {
                        if (IcmpEcho.turnIntoReply(packet)) {
                            echoed.incrementAndGet();
                            tun.write(packet);
                        } else {
                            packet.release();
                        }
                    }

                    @Override
                    public void onBatchEnd() {
                    }
                }, PooledByteBufAllocator.DEFAULT, loop.next());
                NetnsThread.Result ping = NetnsThread.run("ip", "netns", "exec", ns,
                        "ping", "-c", "3", "-i", "0.2", "-W", "2", "100.64.8.20");
                assertEquals(0, ping.exit(), ping.output());
                assertEquals(3, echoed.get());
            } finally {
                tun.close();
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            NetnsThread.Result gone = NetnsThread.run("ip", "-n", ns, "link", "show", "wtun0");
            assertNotEquals(0, gone.exit(), "interface removed on close: " + gone.output());
        }
    }

    @Test
    void writeReleasesTheBufferLikeEverySink() throws Exception {
        Assumptions.assumeTrue(NetnsThread.isRoot(), "skipped: TUN/netlink tests need root");
        String ns = "weft-tunw-" + ProcessHandle.current().pid();
        try (NetnsThread thread = NetnsThread.create(ns)) {
            TunDevice tun = thread.call(() -> TunDevice.open("wtun1", 1420));
            try (Netlink nl = thread.call(Netlink::open)) {
                int index = nl.linkIndex("wtun1");
                nl.addAddress(index, InetAddress.getByName("100.64.9.1"), 24);
                nl.setLinkUp(index, true);
                ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                ByteBuf heap = PooledByteBufAllocator.DEFAULT.heapBuffer(64);
                for (ByteBuf b : new ByteBuf[] {direct, heap}) {
                    b.writeBytes(udpPacket());
                    assertTrue(tun.write(b), "the kernel takes a well-formed packet");
                    assertEquals(0, b.refCnt(), "released after the write");
                }
                ByteBuf tooLong = PooledByteBufAllocator.DEFAULT.heapBuffer(70_000);
                tooLong.writeZero(70_000);
                assertFalse(tun.write(tooLong), "longer than any IP packet");
                assertEquals(0, tooLong.refCnt());
            } finally {
                tun.close();
            }
            ByteBuf afterClose = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeBytes(udpPacket());
            assertFalse(tun.write(afterClose));
            assertEquals(0, afterClose.refCnt(), "released when the device is closed too");
        }
    }

    /** An IPv4 UDP datagram 100.64.9.1 -> 100.64.9.2 (checksums zero: the write only has to be taken). */
    private static byte[] udpPacket() {
        byte[] p = new byte[28];
        p[0] = 0x45;
        p[3] = 28;
        p[8] = 64;
        p[9] = 17;
        p[12] = 100; p[13] = 64; p[14] = 9; p[15] = 1;
        p[16] = 100; p[17] = 64; p[18] = 9; p[19] = 2;
        p[21] = 9;
        p[23] = 9;
        p[25] = 8;
        return p;
    }

    @Test
    void refusesBadNames() {
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("a-name-too-long-x", 1420));
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("", 1420));
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("a/b", 1420));
    }
}

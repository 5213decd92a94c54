package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ip.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AllowedIpsTest {
    private final WireGuardDevice device = new WireGuardDevice(new byte[32], new PacketSink() {
        @Override
        public void sendDatagram(io.netty.buffer.ByteBuf datagram, java.net.InetSocketAddress to) {
            datagram.release();
        }

        @Override
        public void deliverPacket(io.netty.buffer.ByteBuf ipPacket) {
            ipPacket.release();
        }
    }, new ManualClock(), WireGuardOptions.standard(), io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
    private final Peer p1 = new Peer(device, new byte[32], 0);
    private final Peer p2 = new Peer(device, new byte[32], 0);
    private final Peer p3 = new Peer(device, new byte[32], 0);

    @AfterEach
    void close() {
        device.close();
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void longestPrefixWinsForIpv4AndIpv6() throws Exception {
        AllowedIps t = new AllowedIps();
        t.insert(IpPrefix.parse("100.64.0.0/10"), p1);
        t.insert(IpPrefix.parse("100.65.0.0/16"), p2);
        t.insert(IpPrefix.parse("100.65.2.3/32"), p3);
        t.insert(IpPrefix.parse("fd00::/8"), p1);
        t.insert(IpPrefix.parse("fd00:1::/32"), p2);
        t.insert(IpPrefix.parse("::/0"), p3);
        assertSame(p1, t.lookup(ip("100.100.0.1")));
        assertSame(p2, t.lookup(ip("100.65.9.9")));
        assertSame(p3, t.lookup(ip("100.65.2.3")));
        assertSame(p2, t.lookup(ip("100.65.2.4")));
        assertNull(t.lookup(ip("192.0.2.1")));
        assertSame(p2, t.lookup(ip("fd00:1::5")));
        assertSame(p1, t.lookup(ip("fd00:2::5")));
        assertSame(p3, t.lookup(ip("2001:db8::1")), "default route");
    }

    @Test
    void prefixesEndingAtEveryWordBoundaryOfTheCompressedTrie() throws Exception {
        AllowedIps t = new AllowedIps();
        t.insert(IpPrefix.parse("fd00:0:0:1::/64"), p1);
        t.insert(IpPrefix.parse("fd00:0:0:1:8000::/65"), p2);
        t.insert(IpPrefix.parse("fd00:0:0:1::2/127"), p3);
        t.insert(IpPrefix.parse("fd00:0:0:1::3/128"), p1);
        t.insert(IpPrefix.parse("198.51.100.2/31"), p1);
        t.insert(IpPrefix.parse("198.51.100.3/32"), p2);
        t.insert(IpPrefix.parse("128.0.0.0/1"), p3);
        assertSame(p1, t.lookup(ip("fd00:0:0:1:7fff::1")));
        assertSame(p2, t.lookup(ip("fd00:0:0:1:8000::1")));
        assertSame(p3, t.lookup(ip("fd00:0:0:1::2")));
        assertSame(p1, t.lookup(ip("fd00:0:0:1::3")), "a /128 inside a /127");
        assertNull(t.lookup(ip("fd00:0:0:2::3")));
        assertSame(p1, t.lookup(ip("198.51.100.2")));
        assertSame(p2, t.lookup(ip("198.51.100.3")));
        assertSame(p3, t.lookup(ip("203.0.113.1")), "the top half of IPv4");
        assertNull(t.lookup(ip("100.64.0.1")));
        t.removePeer(p3);
        assertNull(t.lookup(ip("203.0.113.1")));
        assertSame(p1, t.lookup(ip("fd00:0:0:1::2")), "the /64 once the /127 is gone");
    }

    @Test
    void prefixMovesToTheLastPeerAndRemovalForgetsAll() throws Exception {
        AllowedIps t = new AllowedIps();
        t.insert(IpPrefix.parse("100.64.0.0/10"), p1);
        t.insert(IpPrefix.parse("100.64.0.0/10"), p2);
        assertSame(p2, t.lookup(ip("100.100.1.1")));
        t.replace(p1, List.of(IpPrefix.parse("100.64.1.0/24"), IpPrefix.parse("fd00::/64")));
        assertSame(p1, t.lookup(ip("100.64.1.7")));
        assertEquals(2, t.prefixesOf(p1).size());
        t.removePeer(p1);
        assertSame(p2, t.lookup(ip("100.64.1.7")));
        assertNull(t.lookup(ip("fd00::1")));
    }

    @Test
    void entriesAreNetworksAsWgMakesThem() throws Exception {
        AllowedIps t = new AllowedIps();
        t.insert(IpPrefix.parse("100.65.2.3/10"), p1);
        t.insert(IpPrefix.parse("fd12:3456::1/8"), p1);
        assertEquals(List.of(IpPrefix.parse("100.64.0.0/10"), IpPrefix.parse("fd00::/8")), t.prefixesOf(p1));
        t.insert(IpPrefix.parse("100.64.0.0/10"), p2);
        assertEquals(List.of(IpPrefix.parse("fd00::/8")), t.prefixesOf(p1), "one network, one owner");
        t.replace(p3, List.of(IpPrefix.parse("fd00::77/8")));
        assertEquals(List.of(), t.prefixesOf(p1));
        assertSame(p3, t.lookup(ip("fd00::1")));
    }

    @Test
    void prefixesAreValidated() {
        assertEquals(32, IpPrefix.parse("192.0.2.1").length());
        assertEquals(128, IpPrefix.parse("fd00::1").length());
        assertTrue(IpPrefix.parse("100.64.0.0/10").contains(InetAddress.getLoopbackAddress()) == false);
        for (String bad : new String[] {"", "100.64.0.0/33", "fd00::/129", "1.2.3", "example.com", "100.64.0.0/x",
                "100.64.0.0/-1", "::ffff:100.64.0.1"}) {
            assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(bad), bad);
        }
    }
}

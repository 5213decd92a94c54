package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedIpsTest {

    private final ManualScheduler scheduler = new ManualScheduler();

    private Peer peer() {
        return new Peer(new PeerConfig(Keys.publicKey(Keys.generatePrivateKey(new java.security.SecureRandom())), null,
                null, List.of(), 0), scheduler, Timings.standard(), 4);
    }

    @Test
    void longestPrefixWinsForIpv4AndIpv6() {
        AllowedIps table = new AllowedIps();
        Peer wide = peer();
        Peer narrow = peer();
        Peer host = peer();
        Peer v6 = peer();
        Peer defaultRoute = peer();
        table.replace(wide, List.of(IpPrefix.parse("100.64.0.0/10")));
        table.replace(narrow, List.of(IpPrefix.parse("100.64.1.0/24")));
        table.replace(host, List.of(IpPrefix.parse("100.64.1.7/32")));
        table.replace(v6, List.of(IpPrefix.parse("fd00::/8"), IpPrefix.parse("fd00:1::/32")));
        assertSame(wide, table.lookup(Packets.address("100.100.3.4")));
        assertSame(narrow, table.lookup(Packets.address("100.64.1.8")));
        assertSame(host, table.lookup(Packets.address("100.64.1.7")));
        assertNull(table.lookup(Packets.address("10.0.0.1")));
        assertSame(v6, table.lookup(Packets.address("fd00:1::5")));
        assertNull(table.lookup(Packets.address("2001:db8::1")));
        table.replace(defaultRoute, List.of(IpPrefix.parse("0.0.0.0/0")));
        assertSame(defaultRoute, table.lookup(Packets.address("10.0.0.1")));
        assertNull(table.lookup(Packets.address("2001:db8::1")), "an IPv4 default does not cover IPv6");
    }

    @Test
    void prefixMovesToTheLastPeerAndRemovalWorks() {
        AllowedIps table = new AllowedIps();
        Peer first = peer();
        Peer second = peer();
        table.replace(first, List.of(IpPrefix.parse("100.64.0.0/24")));
        table.insert(IpPrefix.parse("100.64.0.0/24"), second);
        assertSame(second, table.lookup(Packets.address("100.64.0.1")));
        assertEquals(List.of(), table.prefixesOf(first));
        table.removePeer(second);
        assertNull(table.lookup(Packets.address("100.64.0.1")));
    }

    @Test
    void prefixParsingMasksHostBitsAndRefusesNonsense() {
        assertEquals("100.64.0.0/10", IpPrefix.parse("100.100.1.1/10").toString());
        assertEquals(IpPrefix.parse("fd00::/8"), IpPrefix.parse("fd12:3456::1/8"));
        assertEquals(32, IpPrefix.parse("192.0.2.1").length());
        assertEquals(128, IpPrefix.parse("2001:db8::1").length());
        for (String bad : new String[] {"", "1.2.3/8", "1.2.3.4/33", "fd00::/129", "example.com/8", "1.2.3.4/-1",
                "1.2.3.256", "1.2.3.4/", "::g/8"}) {
            assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(bad), bad);
        }
    }
}

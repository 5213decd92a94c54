package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.AfterEach;

/**
 * Cryptokey routing against a linear-scan model: for random prefix tables (IPv4 and IPv6,
 * nested and overlapping, a prefix re-assigned to a later peer) every lookup returns the
 * peer of the longest prefix containing the address, as a scan over all entries finds it.
 */
class AllowedIpsModelTest {

    private final List<WireGuardDevice> devices = new ArrayList<>();

    @AfterEach
    void close() {
        devices.forEach(WireGuardDevice::close);
    }

    private List<Peer> peers(int count) {
        PacketSink sink = new PacketSink() {
            @Override
            public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
                datagram.release();
            }

            @Override
            public void deliverPacket(ByteBuf ipPacket) {
                ipPacket.release();
            }
        };
        SecureRandom random = new SecureRandom();
        WireGuardDevice device = new WireGuardDevice(Curve25519.generatePrivateKey(random), sink, new ManualClock(),
                WireGuardOptions.standard(), io.netty.buffer.PooledByteBufAllocator.DEFAULT);
        devices.add(device);
        List<Peer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Peer(device, Curve25519.publicKey(Curve25519.generatePrivateKey(random)), 0));
        }
        return out;
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Addresses drawn from a few base values so that prefixes nest and lookups hit them. */
    private static byte[] near(int base, int variation, int size) {
        byte[] raw = new byte[size];
        raw[0] = (byte) (base & 0x0f);
        raw[1] = (byte) (base >>> 4);
        raw[size - 1] = (byte) variation;
        raw[size / 2] = (byte) (variation >>> 8);
        return raw;
    }

    @Property(tries = 150)
    void longestPrefixMatchLikeALinearScan(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 1 << 20) Integer> entries,
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 1 << 20) Integer> lookups) {
        List<Peer> peers = peers(5);
        AllowedIps table = new AllowedIps();
        Map<IpPrefix, Peer> model = new LinkedHashMap<>();
        for (int e : entries) {
            int size = (e & 1) == 0 ? 4 : 16;
            int length = (e >>> 1) % (size * 8 + 1);
            IpPrefix prefix = IpPrefix.of(address(near(e >>> 9, e >>> 3, size)), length);
            Peer peer = peers.get((e >>> 5) % peers.size());
            table.insert(prefix, peer);
            model.put(prefix.network(), peer); // the table keeps networks, as wg does
        }
        for (int l : lookups) {
            int size = (l & 1) == 0 ? 4 : 16;
            InetAddress target = address(near(l >>> 9, l >>> 3, size));
            Peer expected = null;
            int bestLength = -1;
            for (Map.Entry<IpPrefix, Peer> entry : model.entrySet()) {
                if (entry.getKey().contains(target) && entry.getKey().length() > bestLength) {
                    bestLength = entry.getKey().length();
                    expected = entry.getValue();
                }
            }
            assertSame(expected, table.lookup(target), "lookup of " + target.getHostAddress() + " in " + model.keySet());
        }
    }
}

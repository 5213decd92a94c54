package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * The receive path takes anything the network throws at it: random datagrams and mutations
 * of real messages (with live session indices) never throw, never leak a buffer, and never
 * get delivered unless authentic.
 */
class ReceiveFuzzTest {
    private final TestNet net = new TestNet();
    private final TestNet.Node a;
    private final TestNet.Node b;
    private final List<byte[]> samples = new ArrayList<>();
    private final InetSocketAddress attacker = new InetSocketAddress("203.0.113.66", 4242);

    ReceiveFuzzTest() {
        a = net.node("a", "192.0.2.1", 51820, WireGuardOptions.standard().withUnderLoadHandshakesPerSecond(50));
        b = net.node("b", "192.0.2.2", 51820, WireGuardOptions.standard().withUnderLoadHandshakesPerSecond(50));
        a.device.addPeer(new PeerConfig(b.publicKey(), null, b.address, List.of(IpPrefix.parse("100.64.0.2/32")), 0));
        b.device.addPeer(new PeerConfig(a.publicKey(), null, a.address, List.of(IpPrefix.parse("100.64.0.1/32")), 0));
        a.device.sendPacket(Packets.tight(Packets.ipv4("100.64.0.1", "100.64.0.2", 60, 1)));
        net.pump();
        b.device.sendPacket(Packets.tight(Packets.ipv4("100.64.0.2", "100.64.0.1", 60, 1)));
        net.pump();
        for (TestNet.Datagram d : a.sent) {
            byte[] bytes = new byte[d.buf().readableBytes()];
            d.buf().getBytes(d.buf().readerIndex(), bytes);
            samples.add(bytes);
        }
        samples.add(new CookieChecker(a.publicKey(), new java.security.SecureRandom(), 1_000_000_000L)
                .createReply(samples.get(0), 0, attacker, 0));
    }

    @AfterProperty
    void close() {
        net.close();
    }

    private void feed(byte[] datagram) {
        int deliveredBefore = b.delivered.size();
        ByteBuf buf = Unpooled.buffer(datagram.length).writeBytes(datagram); // never the shared empty buffer
        b.device.receiveDatagram(buf, attacker);
        assertEquals(0, buf.refCnt(), "buffer released");
        net.pump();
        assertEquals(deliveredBefore, b.delivered.size(), "nothing forged gets delivered");
    }

    @Property(tries = 2000)
    void randomDatagramsAreRefusedQuietly(@ForAll @Size(max = 300) byte[] data,
                                         @ForAll @IntRange(min = 0, max = 5) int type) {
        if (data.length >= 4 && type > 0) {
            data[0] = (byte) type;
            data[1] = 0;
            data[2] = 0;
            data[3] = 0;
        }
        feed(data);
    }

    @Provide
    Arbitrary<int[]> mutations() {
        return Arbitraries.integers().between(0, 2000).array(int[].class).ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 2000)
    void mutatedRealMessagesAreRefusedQuietly(@ForAll @IntRange(min = 0, max = 100) int which,
                                             @ForAll("mutations") int[] edits,
                                             @ForAll @IntRange(min = -40, max = 40) int resize) {
        byte[] base = samples.get(which % samples.size());
        int length = Math.max(0, base.length + (resize % 3 == 0 ? resize : 0));
        byte[] msg = java.util.Arrays.copyOf(base, length);
        for (int edit : edits) {
            if (msg.length > 0) {
                msg[edit % msg.length] ^= (byte) (1 + edit % 255);
            }
        }
        if (java.util.Arrays.equals(msg, base)) {
            msg = java.util.Arrays.copyOf(msg, msg.length + 1);
        }
        feed(msg);
    }

    @Property(tries = 1000)
    void arbitraryOutboundPacketsNeverThrow(@ForAll @Size(max = 200) byte[] packet) {
        ByteBuf buf = Unpooled.buffer(packet.length).writeBytes(packet);
        a.device.sendPacket(buf);
        net.pump();
        assertEquals(0, buf.refCnt(), "buffer released or handed on");
    }
}

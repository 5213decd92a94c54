package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Random and mutated datagrams never throw, never leak, and never get delivered. */
class ReceiveFuzzTest {

    private static final InetSocketAddress FROM = new InetSocketAddress("192.0.2.5", 1234);

    /** Valid messages of every type from a real session, to mutate. */
    private static final List<byte[]> SEEDS = seeds();

    private static List<byte[]> seeds() {
        ManualScheduler scheduler = new ManualScheduler();
        SecureRandom random = new SecureRandom();
        byte[] keyA = Keys.generatePrivateKey(random);
        byte[] keyB = Keys.generatePrivateKey(random);
        CapturingSink sinkA = new CapturingSink();
        CapturingSink sinkB = new CapturingSink();
        List<byte[]> seeds = new ArrayList<>();
        try (WireGuardDevice a = new WireGuardDevice(keyA, sinkA, scheduler);
             WireGuardDevice b = new WireGuardDevice(keyB, sinkB, scheduler)) {
            a.addPeer(new PeerConfig(Keys.publicKey(keyB), null, FROM, List.of(IpPrefix.parse("100.64.0.2/32")), 0));
            b.addPeer(new PeerConfig(Keys.publicKey(keyA), null, FROM, List.of(IpPrefix.parse("100.64.0.1/32")), 0));
            a.sendPacket(Unpooled.wrappedBuffer(Packets.ipv4("100.64.0.1", "100.64.0.2", 40)));
            byte[] initiation = sinkA.takeLast();
            seeds.add(initiation);
            b.receiveDatagram(Unpooled.wrappedBuffer(initiation), FROM);
            byte[] response = sinkB.takeLast();
            seeds.add(response);
            a.receiveDatagram(Unpooled.wrappedBuffer(response), FROM);
            seeds.add(sinkA.takeLast());
        }
        CookieChecker checker = new CookieChecker(random, scheduler, 1_000_000_000L);
        seeds.add(checker.createReply(new LocalIdentity(keyA), seeds.get(0), 7, FROM));
        return seeds;
    }

    @Provide
    Arbitrary<byte[]> datagrams() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
        Arbitrary<byte[]> typed = Arbitraries.integers().between(0, 5).flatMap(type -> Arbitraries.bytes()
                .array(byte[].class).ofMinSize(0).ofMaxSize(200).map(tail -> {
                    byte[] out = new byte[4 + tail.length];
                    out[0] = type.byteValue();
                    System.arraycopy(tail, 0, out, 4, tail.length);
                    return out;
                }));
        Arbitrary<byte[]> mutated = Arbitraries.of(SEEDS).flatMap(seed -> Arbitraries.integers().between(0, seed.length - 1)
                .tuple3().map(t -> mutate(seed, t)));
        return Arbitraries.oneOf(random, typed, mutated);
    }

    private static byte[] mutate(byte[] seed, Tuple.Tuple3<Integer, Integer, Integer> t) {
        byte[] out = seed.clone();
        out[t.get1()] ^= (byte) (1 + t.get2() % 255);
        if (t.get3() % 3 == 0) {
            return java.util.Arrays.copyOf(out, t.get3());
        }
        return out;
    }

    @Property(tries = 2000)
    void receiveNeverThrowsLeaksOrDelivers(@ForAll("datagrams") byte[] datagram) {
        ManualScheduler scheduler = new ManualScheduler();
        CapturingSink sink = new CapturingSink();
        SecureRandom random = new SecureRandom();
        try (WireGuardDevice device = new WireGuardDevice(Keys.generatePrivateKey(random), sink, scheduler)) {
            device.addPeer(new PeerConfig(Keys.publicKey(Keys.generatePrivateKey(random)), null, FROM,
                    List.of(IpPrefix.parse("0.0.0.0/0")), 0));
            // A real buffer even when empty (Unpooled.EMPTY_BUFFER ignores release).
            ByteBuf buf = Unpooled.buffer(datagram.length, 1 << 16).writeBytes(datagram);
            device.receiveDatagram(buf, FROM);
            assertEquals(0, buf.refCnt(), "the device releases what it does not hand on");
            assertEquals(0, sink.delivered.size());
        }
    }
}

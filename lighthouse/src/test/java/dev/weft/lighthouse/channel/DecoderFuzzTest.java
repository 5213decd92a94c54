package dev.weft.lighthouse.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzz: valid datagrams with bytes flipped, set, inserted, cut, plus random bytes. The
 * decoders may only throw {@link ChannelFormatException}; the channel may only drop and count.
 */
class DecoderFuzzTest {
    private static final int DECODER_INPUTS = 1_200_000;
    private static final int CHANNEL_INPUTS = 200_000;

    private static byte[] mutate(byte[] seed, SplittableRandom r) {
        byte[] d = seed.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            switch (r.nextInt(6)) {
                case 0 -> d[r.nextInt(d.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> d[r.nextInt(d.length)] = (byte) r.nextInt(256);
                case 2 -> d = Arrays.copyOf(d, Math.max(1, r.nextInt(d.length + 1)));
                case 3 -> d = Arrays.copyOf(d, d.length + 1 + r.nextInt(64));
                case 4 -> { // a length field or count at a random place set to something extreme
                    int at = r.nextInt(d.length);
                    d[at] = (byte) (r.nextBoolean() ? 0xFF : 0);
                }
                default -> {
                    byte[] junk = new byte[r.nextInt(1500)];
                    r.nextBytes(junk);
                    d = junk.length == 0 ? d : junk;
                }
            }
        }
        return d;
    }

    @Test
    void decodersThrowOnlyTheirOwnException() {
        Fixture f = new Fixture().introduced();
        byte[] hello = f.helloFrom(f.nodeA);
        f.a.send(f.recA.verified.get(0), Fixture.B, ChannelKind.GOSSIP, new byte[100]);
        byte[] sealed = f.net.sent.get(f.net.sent.size() - 1).bytes();
        byte[][] seeds = {hello, sealed, Wire.ping(42), Wire.pong(42, Fixture.A), Wire.pong(7, Net.at("2001:db8::5", 9))};
        SplittableRandom r = new SplittableRandom(20260601);
        int accepted = 0;
        for (int i = 0; i < DECODER_INPUTS; i++) {
            byte[] d = mutate(seeds[i % seeds.length], r);
            try {
                switch (i % seeds.length) {
                    case 0 -> Wire.decodeHello(d);
                    case 1 -> Wire.decodeSealedHeader(d);
                    case 2 -> Wire.decodePing(d);
                    default -> Wire.decodePong(d);
                }
                accepted++;
            } catch (ChannelFormatException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
            }
        }
        assertTrue(accepted > 0 && accepted < DECODER_INPUTS, "the fuzz reaches both outcomes: " + accepted);
    }

    @Test
    void theChannelOnlyDropsAndCounts() {
        ChannelLimits open = new ChannelLimits(Duration.ofSeconds(60), 64, 64, 400_000, 1, 300_000, 1,
                300_000, 1000, 64, 16, Duration.ofSeconds(5));
        Fixture f = new Fixture(open, Runnable::run).introduced();
        byte[] hello = f.helloFrom(f.nodeA);
        f.a.send(f.recA.verified.get(0), Fixture.B, ChannelKind.GOSSIP, new byte[100]);
        byte[] sealed = f.net.sent.get(f.net.sent.size() - 1).bytes();
        f.net.discard();
        f.b.receive(hello, Fixture.A); // the originals arrive first: an unchanged copy is then a replay
        f.b.receive(sealed, Fixture.A);
        long delivered = f.b.counters().get(ChannelCounters.Counter.MESSAGES_DELIVERED);
        long verified = f.b.counters().get(ChannelCounters.Counter.HELLO_VERIFIED);
        SplittableRandom r = new SplittableRandom(4242);
        for (int i = 0; i < CHANNEL_INPUTS; i++) {
            f.b.receive(mutate(i % 2 == 0 ? hello : sealed, r), Fixture.A);
        }
        assertEquals(delivered, f.b.counters().get(ChannelCounters.Counter.MESSAGES_DELIVERED), "no forgery opened");
        assertEquals(verified, f.b.counters().get(ChannelCounters.Counter.HELLO_VERIFIED), "no forgery verified");
        assertEquals(0, f.b.counters().get(ChannelCounters.Counter.DROP_VERIFY_ERROR), "no exception in verification");
        assertEquals(1, f.b.peers().size());
    }
}

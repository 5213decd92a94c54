package dev.weft.lighthouse.channel;

import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_BAD_SIGNATURE;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_QUEUE_FULL;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_RATE_GLOBAL;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_RATE_SOURCE;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.HELLO_VERIFIED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Floods from unauthenticated senders: bounded work, bounded memory, never amplified. */
class FloodTest {
    private static final InetSocketAddress FLOODER = Net.at("203.0.113.7", 6000);

    private static ChannelLimits limits(int sourceBurst, int globalBurst, int sourceTable, int pending) {
        return new ChannelLimits(Duration.ofSeconds(60), 64, 64, 32_768, 1, sourceBurst, 100, globalBurst,
                sourceTable, pending, 16, Duration.ofSeconds(5));
    }

    @Test
    void oneSourceGetsOnlyItsBucketVerified() {
        Fixture f = new Fixture(limits(8, 1000, 100, 64), Runnable::run);
        Pki.Node valid = f.pki.node("flooder");
        for (int i = 0; i < 1000; i++) {
            f.b.receive(f.helloFrom(valid), FLOODER); // each a fresh nonce: all valid
        }
        assertEquals(8, f.b.counters().get(HELLO_VERIFIED));
        assertEquals(992, f.b.counters().get(DROP_RATE_SOURCE));
        assertEquals(1, f.b.trackedSources());
        assertEquals(8, f.b.helloNoncesKept());
        assertEquals(1, f.b.peers().size());
        f.clock.advanceMillis(1000); // the bucket refills at 1/s
        f.b.receive(f.helloFrom(valid), FLOODER);
        assertEquals(9, f.b.counters().get(HELLO_VERIFIED));
    }

    @Test
    void manySourcesAreCappedByTheGlobalBucketAndTheTableStaysBounded() {
        Fixture f = new Fixture(limits(8, 50, 100, 64), Runnable::run);
        Pki.Node forger = f.pki.node("forger");
        byte[] forged = f.helloFrom(forger);
        forged[Wire.signedLength(forger.certificate().der().length)] ^= 1;
        for (int i = 0; i < 10_000; i++) {
            f.b.receive(forged, Net.at("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 1));
        }
        assertEquals(50, f.b.counters().get(DROP_BAD_SIGNATURE), "only the global burst reaches verification");
        assertEquals(9_950, f.b.counters().get(DROP_RATE_GLOBAL));
        assertTrue(f.b.trackedSources() <= 100, "source table bounded: " + f.b.trackedSources());
        assertEquals(0, f.b.helloNoncesKept());
        assertTrue(f.b.peers().isEmpty());
    }

    @Test
    void ipv6SourcesShareABucketPerSlash64() {
        Fixture f = new Fixture(limits(4, 1000, 100, 64), Runnable::run);
        Pki.Node valid = f.pki.node("v6");
        for (int i = 1; i <= 20; i++) {
            f.b.receive(f.helloFrom(valid), Net.at("2001:db8:1:2::" + Integer.toHexString(i), 1));
        }
        assertEquals(4, f.b.counters().get(HELLO_VERIFIED));
        assertEquals(1, f.b.trackedSources());
    }

    @Test
    void verificationQueueIsBoundedAndRunsOffTheCallingThread() {
        List<Runnable> queued = new ArrayList<>();
        Fixture f = new Fixture(limits(1000, 1000, 100, 16), queued::add);
        Pki.Node valid = f.pki.node("queued");
        for (int i = 0; i < 100; i++) {
            f.b.receive(f.helloFrom(valid), FLOODER);
        }
        assertEquals(0, f.b.counters().get(HELLO_VERIFIED), "nothing verified on the receiving thread");
        assertEquals(16, queued.size());
        assertEquals(84, f.b.counters().get(DROP_QUEUE_FULL));
        assertEquals(16, f.b.pendingVerifications());
        queued.forEach(Runnable::run);
        assertEquals(16, f.b.counters().get(HELLO_VERIFIED));
        assertEquals(0, f.b.pendingVerifications());
    }

    @Test
    void rejectingExecutorIsCountedNotThrown() {
        Fixture f = new Fixture(limits(8, 50, 100, 16), r -> {
            throw new java.util.concurrent.RejectedExecutionException("full");
        });
        f.b.receive(f.helloFrom(f.nodeA), FLOODER);
        assertEquals(1, f.b.counters().get(DROP_QUEUE_FULL));
        assertEquals(0, f.b.pendingVerifications());
    }

    /** Whatever an unauthenticated source sends, it never gets more bytes back than it sent. */
    @Test
    void unauthenticatedSendersAreNeverAmplified() {
        Fixture f = new Fixture(limits(1000, 20_000, 100, 64), Runnable::run);
        Pki.Node valid = f.pki.node("reflector");
        Pki other = new Pki("other", Fixture.NOW);
        Pki.Node stranger = other.node("stranger");
        SplittableRandom random = new SplittableRandom(7);
        long in = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] d = switch (i % 6) {
                case 0 -> f.helloFrom(valid);
                case 1 -> Fixture.hello(valid, valid.certificate().der(), f.clock.wallMillis(), Wire.FLAG_REPLY);
                case 2 -> f.helloFrom(stranger);
                case 3 -> {
                    byte[] h = f.helloFrom(valid);
                    h[Wire.HELLO_SIZE - 1] = 9;
                    yield h;
                }
                case 4 -> {
                    byte[] s = new byte[Wire.MIN_SEALED + random.nextInt(300)];
                    random.nextBytes(s);
                    s[0] = (byte) Wire.TYPE_SEALED;
                    System.arraycopy(valid.keys().x25519Public(), 0, s, 1, 32); // a real key, not a peer yet
                    yield s;
                }
                default -> {
                    byte[] junk = new byte[1 + random.nextInt(1400)];
                    random.nextBytes(junk);
                    junk[0] = (byte) (0xF0 + random.nextInt(16));
                    yield junk;
                }
            };
            in += d.length;
            f.b.receive(d, FLOODER);
        }
        long out = f.net.bytesTo(FLOODER);
        assertTrue(out > 0, "valid hellos are answered");
        assertTrue(out <= in, out + " bytes out for " + in + " in");
        assertTrue(f.net.sentTo(FLOODER).stream().allMatch(d -> d.bytes().length == Wire.HELLO_SIZE));
    }
}

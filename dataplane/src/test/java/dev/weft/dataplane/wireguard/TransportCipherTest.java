package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A transport cipher against the array AEAD of {@link ChaChaPoly} (checked against RFC 8439 in
 * {@link CryptoKatTest}): the same bytes for every length around block and tag boundaries, heap
 * and direct buffers; tampering refused without decrypting; what a packet allocates. Run for
 * {@link TransportCipher} here and for the benchmark's other implementations in
 * {@link JdkAeadTransportCipherTest} and {@link BcTransportCipherTest}.
 */
class TransportCipherTest {
    final TransportAead cipher = implementation();

    TransportAead implementation() {
        return TransportAead.of("weft");
    }

    static ByteBuf buffer(boolean direct, int capacity) {
        return direct ? Unpooled.directBuffer(capacity) : Unpooled.buffer(capacity);
    }

    private void roundTrip(byte[] key, long counter, byte[] plain, boolean direct) {
        byte[] expected = ChaChaPoly.seal(key, counter, plain, null);
        ByteBuf buf = buffer(direct, plain.length + 40);
        try {
            buf.setBytes(7, plain);
            assertTrue(cipher.seal(new ChaChaKey(key), counter, buf, 7, plain.length));
            byte[] got = new byte[expected.length];
            buf.getBytes(7, got);
            assertArrayEquals(expected, got, "length " + plain.length);
            assertEquals(plain.length, cipher.open(new ChaChaKey(key), counter, buf, 7, expected.length));
            byte[] back = new byte[plain.length];
            buf.getBytes(7, back);
            assertArrayEquals(plain, back);
        } finally {
            buf.release();
        }
    }

    @Test
    void sameBytesAsTheJdkForEveryLengthAroundBlockBoundaries() {
        Random random = new Random(8439);
        int[] more = {1419, 1420, 1421, 1436, 4096, 65_000, 65_536};
        for (int length = 0; length <= 300 + more.length; length++) {
            int n = length <= 300 ? length : more[length - 301];
            byte[] key = new byte[32];
            random.nextBytes(key);
            byte[] plain = new byte[n];
            random.nextBytes(plain);
            long counter = random.nextLong();
            roundTrip(key, counter, plain, false);
            // A new nonce: the JDK refuses to encrypt again with the key and nonce it last saw.
            roundTrip(key, counter + 1, plain, true);
        }
    }

    @Property(tries = 200)
    void sameBytesAsTheJdk(@ForAll byte[] plain, @ForAll long counter, @ForAll long keySeed,
                           @ForAll boolean direct) {
        byte[] key = new byte[32];
        new Random(keySeed).nextBytes(key);
        roundTrip(key, counter, plain, direct);
    }

    @Property(tries = 300)
    void anyFlippedBitIsRefusedAndNothingIsDecrypted(@ForAll @IntRange(min = 0, max = 200) int length,
                                                     @ForAll int bitSeed, @ForAll boolean direct) {
        byte[] key = new byte[32];
        key[5] = 9;
        byte[] plain = new byte[length];
        new Random(length).nextBytes(plain);
        ByteBuf buf = buffer(direct, length + 16);
        try {
            buf.setBytes(0, plain);
            assertTrue(cipher.seal(new ChaChaKey(key), 3, buf, 0, length));
            int bit = Math.floorMod(bitSeed, (length + 16) * 8);
            buf.setByte(bit / 8, buf.getByte(bit / 8) ^ (1 << (bit % 8)));
            byte[] tampered = new byte[length + 16];
            buf.getBytes(0, tampered);
            assertEquals(-1, cipher.open(new ChaChaKey(key), 3, buf, 0, length + 16));
            byte[] after = new byte[length + 16];
            buf.getBytes(0, after);
            assertArrayEquals(tampered, after, "a refused packet is left as it was");
            buf.setByte(bit / 8, buf.getByte(bit / 8) ^ (1 << (bit % 8)));
            assertEquals(-1, cipher.open(new ChaChaKey(key), 4, buf, 0, length + 16), "wrong counter");
        } finally {
            buf.release();
        }
    }

    /**
     * An on-path attacker sends a forged copy of a packet (same counter) just before the genuine
     * one: the genuine one must still open. (Had it been refused, the attacker could replay it
     * later from its own address, where it would be new and authentic, and the peer would roam there.)
     */
    @Test
    void aForgedCopyOpenedFirstDoesNotMakeTheGenuinePacketFail() {
        long counter = 7;
        for (boolean direct : new boolean[] {false, true}) {
            counter++; // a new nonce for each seal: the JDK refuses to encrypt twice with one
            byte[] raw = new byte[32];
            raw[0] = 42;
            ChaChaKey key = new ChaChaKey(raw);
            ByteBuf genuine = buffer(direct, 64 + 16);
            ByteBuf forged = buffer(direct, 64 + 16);
            try {
                genuine.setZero(0, 80);
                assertTrue(cipher.seal(key, counter, genuine, 0, 64));
                forged.setBytes(0, genuine, 0, 80);
                forged.setByte(3, forged.getByte(3) ^ 1);
                assertEquals(-1, cipher.open(key, counter, forged, 0, 80), "the forgery is refused");
                assertEquals(64, cipher.open(key, counter, genuine, 0, 80), "the genuine packet still opens");
                assertEquals(-1, cipher.open(key, counter, forged, 0, 80), "and the forgery again after it");
            } finally {
                genuine.release();
                forged.release();
            }
        }
    }

    @Test
    void aDestroyedKeyNeitherSealsNorOpens() {
        ChaChaKey key = new ChaChaKey(new byte[32]);
        ByteBuf buf = Unpooled.buffer(64);
        assertTrue(cipher.seal(key, 1, buf, 0, 16));
        key.destroy();
        assertFalse(cipher.seal(key, 2, buf, 0, 16));
        assertEquals(-1, cipher.open(key, 1, buf, 0, 32));
        buf.release();
    }

    /**
     * What one seal and one open may allocate: the JDK's plain ChaCha20 init copies the key and
     * the nonce (twice, with its spec) per packet; its AEAD allocated ~4.4 KB for the two.
     */
    long allocationBudgetPerPacket() {
        return 512;
    }

    @Test
    void allocatesNoMoreThanItsBudgetPerPacket() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ChaChaKey key = new ChaChaKey(new byte[32]);
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuf buf = direct ? Unpooled.directBuffer(1500) : Unpooled.buffer(1500);
            long counter = 0;
            int packets = 20_000;
            long perPacket = Long.MAX_VALUE;
            // The best of a few rounds: the first ones may see compilation (deoptimization
            // and OSR transitions allocate on the running thread), the steady state nothing.
            for (int round = 0; round < 5; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < packets; i++) {
                    cipher.seal(key, counter, buf, 16, 1420);
                    cipher.open(key, counter++, buf, 16, 1436);
                }
                perPacket = Math.min(perPacket, (threads.getCurrentThreadAllocatedBytes() - before) / packets);
            }
            System.out.printf("%s, %s buffers: %d bytes allocated per packet sealed and opened%n", getClass().getSimpleName(), direct ? "direct" : "heap", perPacket);
            assertTrue(perPacket <= allocationBudgetPerPacket(), (direct ? "direct" : "heap") + ": " + perPacket + " bytes allocated per sealed and opened packet");
            buf.release();
        }
    }
}

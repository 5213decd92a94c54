package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Poly1305} with its vector lanes ({@link Poly1305Lanes}): every test of
 * {@link Poly1305Test}, the extreme keys and messages up to ten groups long, and the lanes against
 * the scalar code across the group boundaries. Where the JVM has no usable lanes the inherited
 * tests run the scalar code again; {@link #theLanesAreThereOnACpuWithAvx2} makes sure that is
 * not the case on the x86 machines the build runs on.
 */
class Poly1305LanesTest extends Poly1305Test {
    @Override
    Poly1305 newPoly() {
        return new Poly1305(Poly1305.lanesAvailable());
    }

    @Override
    int longestExtremeLength() {
        return 10 * 128 + 40;
    }

    @Test
    void theLanesAreThereOnACpuWithAvx2() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuinfo) && Files.readString(cpuinfo).contains(" avx2"), "not an x86 CPU with AVX2");
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the tests run without --add-modules=jdk.incubator.vector (the surefire argLine)");
        assertTrue(Poly1305.lanesAvailable(), "the Vector API gives fewer than 4 longs per vector here");
        System.out.printf("Poly1305 lanes: %d blocks per group%n", Poly1305Lanes.GROUP / 16);
    }

    @Test
    void lanesAndScalarCodeGiveTheSameTagsAcrossTheGroupBoundaries() {
        assumeTrue(Poly1305.lanesAvailable(), "no usable Vector API");
        Poly1305 scalar = new Poly1305(false);
        Random random = new Random(26);
        byte[] key = new byte[32];
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        for (int groups = Poly1305.MIN_LANE_GROUPS - 1; groups <= 20; groups++) {
            for (int extra = -17; extra <= 17; extra++) {
                int length = groups * Poly1305Lanes.GROUP + extra;
                byte[] message = new byte[length + 3];
                for (int trial = 0; trial < 4; trial++) {
                    random.nextBytes(key);
                    random.nextBytes(message);
                    poly.aeadTag(key, message, 3, length, a, 0);
                    scalar.aeadTag(key, message, 3, length, b, 0);
                    assertArrayEquals(b, a, "length " + length);
                    poly.mac(key, message, 3, length, a, 0);
                    scalar.mac(key, message, 3, length, b, 0);
                    assertArrayEquals(b, a, "mac, length " + length);
                }
            }
        }
    }

    @Test
    void theWarmUpBeginsWithBulkTrafficFinishesAndTheLanesAreUsedThen() throws Exception {
        assumeTrue(Poly1305.lanesAvailable(), "no usable Vector API");
        assumeTrue(LaneWarmUp.compilesVectors(System.getProperty("java.vm.info", "")), "no C2 in this JVM");
        LaneWarmUp warmUp = LaneWarmUp.onDemand();
        Poly1305 waiting = new Poly1305(warmUp);
        Poly1305 scalar = new Poly1305(false);
        byte[] key = new byte[32];
        byte[] packet = new byte[1420];
        new Random(5).nextBytes(packet);
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        for (int i = 0; i < 10 * LaneWarmUp.BULK_MESSAGES; i++) {
            waiting.aeadTag(key, packet, 0, 100, a, 0); // pings and control messages: too short for the lanes
        }
        for (int i = 1; i < LaneWarmUp.BULK_MESSAGES; i++) {
            waiting.aeadTag(key, packet, 0, packet.length, a, 0);
        }
        assertFalse(warmUp.started(), "begun before bulk traffic");
        waiting.aeadTag(key, packet, 0, packet.length, a, 0);
        assertTrue(warmUp.started(), "not begun by bulk traffic");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!warmUp.finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(warmUp.finished(), "the warm-up took more than 2 minutes");
        // The compiled lanes are 2-3 times as fast on a 1420-byte packet here, which the warm-up measures.
        assertTrue(warmUp.ready(), "the compiled lanes did not beat the scalar code by a fifth");
        waiting.aeadTag(key, packet, 0, packet.length, a, 0);
        scalar.aeadTag(key, packet, 0, packet.length, b, 0);
        assertArrayEquals(b, a);
    }

    @Test
    void noWarmUpWhereC2WillNeverCompileTheLanes() {
        assertTrue(LaneWarmUp.compilesVectors("mixed mode, sharing"));
        assertFalse(LaneWarmUp.compilesVectors("interpreted mode, sharing"));
        assertFalse(LaneWarmUp.compilesVectors("mixed mode, emulated-client, sharing"));
        LaneWarmUp never = LaneWarmUp.never();
        never.begin();
        assertFalse(never.started());
        assertTrue(never.finished());
        assertFalse(never.ready());
    }
}

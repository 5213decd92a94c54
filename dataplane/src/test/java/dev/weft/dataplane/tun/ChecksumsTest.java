package dev.weft.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Checksums#add} (8 bytes at a time through the NIO view) against RFC 1071 written out. */
class ChecksumsTest {
    /** The Internet checksum word by word, as RFC 1071 gives it. */
    private static int reference(byte[] data, int at, int length) {
        long sum = 0;
        int i = 0;
        for (; i + 1 < length; i += 2) {
            sum += ((data[at + i] & 0xff) << 8) | (data[at + i + 1] & 0xff);
        }
        if (i < length) {
            sum += (data[at + i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    @Test
    void everyOffsetAndLengthInDirectHeapAndSlicedBuffersGivesTheReferenceSum() {
        Random random = new Random(14);
        byte[] data = new byte[70_000];
        random.nextBytes(data);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data);
        ByteBuf heap = Unpooled.wrappedBuffer(data);
        ByteBuf slice = direct.retainedSlice(3, data.length - 3);
        try {
            for (int n = 0; n < 3000; n++) {
                int length = n < 64 ? n : random.nextInt(n < 2000 ? 1600 : 65_536);
                int at = random.nextInt(data.length - 3 - length);
                int expected = reference(data, at + 3, length);
                assertEquals(expected, Checksums.finish(Checksums.add(0, direct, at + 3, length)), "direct " + at + "+" + length);
                assertEquals(expected, Checksums.finish(Checksums.add(0, heap, at + 3, length)), "heap " + at + "+" + length);
                assertEquals(expected, Checksums.finish(Checksums.add(0, slice, at, length)), "slice " + at + "+" + length);
            }
        } finally {
            slice.release();
            direct.release();
        }
    }

    @Test
    void allZeroAndAllOnesDataFoldAsTheWordSumDoes() {
        for (int length : new int[] {0, 1, 2, 7, 8, 9, 16, 1500, 65_535}) {
            byte[] zeros = new byte[length];
            byte[] ones = new byte[length];
            java.util.Arrays.fill(ones, (byte) 0xff);
            ByteBuf z = Unpooled.directBuffer(Math.max(1, length)).writeBytes(zeros);
            ByteBuf o = Unpooled.directBuffer(Math.max(1, length)).writeBytes(ones);
            assertEquals(reference(zeros, 0, length), Checksums.finish(Checksums.add(0, z, 0, length)), "zeros " + length);
            assertEquals(reference(ones, 0, length), Checksums.finish(Checksums.add(0, o, 0, length)), "ones " + length);
            z.release();
            o.release();
        }
    }

    @Test
    void aSumCarriedOverIntoTheNextRangeIsTheSumOfBoth() {
        byte[] data = new byte[3000];
        new Random(3).nextBytes(data);
        ByteBuf direct = Unpooled.directBuffer(data.length).writeBytes(data);
        // an odd split would shift the words; the callers split at even offsets (pseudo-header, header, payload)
        long sum = Checksums.add(Checksums.add(0, direct, 0, 40), direct, 40, 2960);
        assertEquals(reference(data, 0, 3000), Checksums.finish(sum));
        direct.release();
    }
}

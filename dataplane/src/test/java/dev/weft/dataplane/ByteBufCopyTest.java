package dev.weft.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteBufCopyTest {
    private static final ByteBufAllocator POOLED = PooledByteBufAllocator.DEFAULT;

    private static byte[] bytes(ByteBuffer view) {
        byte[] out = new byte[view.remaining()];
        view.duplicate().get(out);
        return out;
    }

    private static byte[] range(byte[] data, int at, int length) {
        byte[] out = new byte[length];
        System.arraycopy(data, at, out, 0, length);
        return out;
    }

    @Test
    void aViewHoldsExactlyTheRangeOfDirectHeapAndSlicedBuffers() {
        byte[] data = new byte[4096];
        new Random(1).nextBytes(data);
        ByteBuf direct = POOLED.directBuffer(data.length).writeBytes(data);
        ByteBuf heap = Unpooled.wrappedBuffer(data.clone());
        try {
            assertArrayEquals(range(data, 7, 1500), bytes(ByteBufCopy.view(direct, 7, 1500)));
            assertArrayEquals(range(data, 7, 1500), bytes(ByteBufCopy.view(heap, 7, 1500)));
            // what a GRO read becomes: retained slices of the read's buffer, and slices of those
            ByteBuf slice = direct.retainedSlice(100, 2000);
            ByteBuf inner = slice.slice(50, 1000);
            assertArrayEquals(range(data, 103, 900), bytes(ByteBufCopy.view(slice, 3, 900)));
            assertArrayEquals(range(data, 161, 500), bytes(ByteBufCopy.view(inner, 11, 500)));
            assertArrayEquals(new byte[0], bytes(ByteBufCopy.view(inner, 1000, 0)));
            slice.release();
        } finally {
            direct.release();
        }
    }

    @Test
    void aSliceOfPooledMemoryIsViewedThroughItsRootsCachedView() {
        ByteBuf direct = POOLED.directBuffer(4096).writeZero(4096);
        ByteBuf slice = direct.retainedSlice(100, 2000);
        try {
            // the root's own cached view, not a new one per call (what made the per-packet garbage)
            assertSame(ByteBufCopy.view(direct, 0, 10), ByteBufCopy.view(slice, 5, 10));
        } finally {
            slice.release();
            direct.release();
        }
    }

    @Test
    void outOfRangeAndReleasedBuffersAreRefusedAsByteBufWouldRefuseThem() {
        ByteBuf direct = POOLED.directBuffer(4096).writeZero(4096);
        ByteBuf slice = direct.retainedSlice(100, 2000);
        assertThrows(IndexOutOfBoundsException.class, () -> ByteBufCopy.view(slice, 1990, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> ByteBufCopy.view(slice, -1, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> ByteBufCopy.view(slice, 5, -1));
        assertEquals(10, ByteBufCopy.view(slice, 1990, 10).remaining());
        slice.release();
        assertThrows(IllegalReferenceCountException.class, () -> ByteBufCopy.view(slice, 0, 10));
        direct.release();
        assertThrows(IllegalReferenceCountException.class, () -> ByteBufCopy.view(direct, 0, 10));
    }

    @Test
    void appendCopiesFromASliceIntoAnotherBuffer() {
        byte[] data = new byte[3000];
        new Random(2).nextBytes(data);
        ByteBuf direct = POOLED.directBuffer(data.length).writeBytes(data);
        ByteBuf slice = direct.retainedSlice(1000, 1500);
        ByteBuf dst = POOLED.directBuffer(2000);
        try {
            dst.writeByte(42);
            ByteBufCopy.append(slice, 20, 1400, dst);
            byte[] out = new byte[dst.readableBytes()];
            dst.getBytes(0, out);
            assertEquals(42, out[0]);
            assertArrayEquals(range(data, 1020, 1400), range(out, 1, 1400));
        } finally {
            slice.release();
            direct.release();
            dst.release();
        }
    }
}

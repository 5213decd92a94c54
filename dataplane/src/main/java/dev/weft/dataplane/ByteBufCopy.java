package dev.weft.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import java.nio.ByteBuffer;

/**
 * The one way the packet paths copy bytes between buffers without allocating. Public only so that
 * the dataplane's packages ({@code tun}, {@code udp}) share it; not an API for other modules.
 */
public final class ByteBufCopy {
    private ByteBufCopy() {
    }

    /**
     * Appends {@code src[at, at+length)} to {@code dst} through the source's cached NIO view:
     * {@code writeBytes(ByteBuf, ...)} between direct buffers without Unsafe goes through
     * {@code nioBuffers()}, which allocates an array and a view per call.
     */
    public static void append(ByteBuf src, int at, int length, ByteBuf dst) {
        if (src.nioBufferCount() == 1) {
            dst.writeBytes(view(src, at, length));
        } else {
            dst.writeBytes(src, at, length); // composite: no single view (never on the packet path)
        }
    }

    /** Appends all of {@code src}'s readable bytes to {@code dst}; {@code src}'s indices are unchanged. */
    public static void append(ByteBuf src, ByteBuf dst) {
        append(src, src.readerIndex(), src.readableBytes(), dst);
    }

    /**
     * {@code buf[at, at+length)} as a NIO buffer (position and limit around the range) without
     * allocating: the cached view of the buffer that owns the memory. A slice's own
     * {@code internalNioBuffer} makes a new view per call (a retained slice of a GRO read, or any
     * slice of Netty's adaptive allocator), so slices of direct memory are followed to their root
     * by memory address. The view is shared with the root's other users: use it at once. Checks
     * the range and that {@code buf} is not released, as {@code ByteBuf}'s accessors would.
     */
    public static ByteBuffer view(ByteBuf buf, int at, int length) {
        if (at < 0 || length < 0 || at > buf.capacity() - length) {
            throw new IndexOutOfBoundsException("index " + at + ", length " + length + ", capacity " + buf.capacity());
        }
        if (buf.refCnt() == 0) {
            throw new IllegalReferenceCountException(0);
        }
        ByteBuf root = buf;
        long index = at;
        ByteBuf parent;
        while (root.hasMemoryAddress() && (parent = root.unwrap()) != null && parent.hasMemoryAddress()) {
            index += root.memoryAddress() - parent.memoryAddress();
            root = parent;
        }
        return root.internalNioBuffer((int) index, length);
    }
}

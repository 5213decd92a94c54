package dev.weft.dataplane;

import io.netty.buffer.ByteBuf;

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
            dst.writeBytes(src.internalNioBuffer(at, length));
        } else {
            dst.writeBytes(src, at, length); // composite: no single view (never on the packet path)
        }
    }

    /** Appends all of {@code src}'s readable bytes to {@code dst}; {@code src}'s indices are unchanged. */
    public static void append(ByteBuf src, ByteBuf dst) {
        append(src, src.readerIndex(), src.readableBytes(), dst);
    }
}

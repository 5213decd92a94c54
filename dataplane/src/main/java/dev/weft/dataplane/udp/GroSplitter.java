package dev.weft.dataplane.udp;

import io.netty.buffer.ByteBuf;

/**
 * Cuts a buffer received with {@code UDP_GRO} back into the datagrams the sender sent: every
 * {@code segmentSize} bytes one datagram, the last one possibly shorter. Each datagram is a
 * retained slice of the buffer (no copy; pooled slices are recycled, not allocated), so the
 * receivers may decrypt it in place and keep it as long as they like.
 */
final class GroSplitter {
    /** Receives one datagram; takes ownership. */
    interface Output {
        void datagram(ByteBuf datagram);
    }

    private GroSplitter() {
    }

    /**
     * Hands every datagram of {@code content} to {@code out} and releases {@code content}.
     * A {@code segmentSize} of 0 or less, or not less than the content, means one datagram
     * (handed on as it is). Returns how many went out.
     */
    static int split(ByteBuf content, int segmentSize, Output out) {
        int length = content.readableBytes();
        if (segmentSize <= 0 || segmentSize >= length) {
            out.datagram(content);
            return 1;
        }
        int count = 0;
        try {
            int at = content.readerIndex();
            int end = at + length;
            for (; at < end; at += segmentSize) {
                out.datagram(content.retainedSlice(at, Math.min(segmentSize, end - at)));
                count++;
            }
        } finally {
            content.release();
        }
        return count;
    }
}

package dev.weft.dataplane.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Parsing of the kernel's replies: a datagram holds one or more netlink messages
 * ({@code nlmsghdr}: length, type, flags, sequence, port id). Never throws on malformed input.
 */
final class NetlinkReplies {
    private static final int HEADER = 16;

    private NetlinkReplies() {
    }

    /** The first well-formed message in {@code data[0..length)} with the given sequence, or null. */
    static byte[] find(byte[] data, int length, int sequence) {
        ByteBuffer b = ByteBuffer.wrap(data, 0, Math.max(0, Math.min(length, data.length))).order(ByteOrder.nativeOrder());
        int offset = 0;
        int end = Math.max(0, Math.min(length, data.length));
        while (end - offset >= HEADER) {
            int messageLength = b.getInt(offset);
            if (messageLength < HEADER || messageLength > end - offset) {
                return null;
            }
            int seq = b.getInt(offset + 8);
            if (seq == sequence) {
                byte[] out = new byte[messageLength];
                System.arraycopy(data, offset, out, 0, messageLength);
                return out;
            }
            offset += (messageLength + 3) & ~3;
        }
        return null;
    }

    /** The message type. */
    static short type(byte[] message) {
        return ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).getShort(4);
    }

    /**
     * For an {@code NLMSG_ERROR} message the positive errno (0 for an acknowledgement);
     * -1 for any other type; {@code EPROTO} (71) for an error message too short to hold a code.
     */
    static int errorCode(byte[] message) {
        if (type(message) != Netlink.NLMSG_ERROR) {
            return -1;
        }
        if (message.length < HEADER + 4) {
            return 71;
        }
        int code = ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).getInt(HEADER);
        return code == Integer.MIN_VALUE || code > 0 ? 71 : -code;
    }
}

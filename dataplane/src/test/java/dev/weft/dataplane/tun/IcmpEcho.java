package dev.weft.dataplane.tun;

import io.netty.buffer.ByteBuf;

/** Turns an IPv4 ICMP echo request into its reply in place (test helper). */
final class IcmpEcho {
    private IcmpEcho() {
    }

    static boolean turnIntoReply(ByteBuf p) {
        int s = p.readerIndex();
        int len = p.readableBytes();
        if (len < 28 || (p.getByte(s) & 0xf0) != 0x40 || p.getByte(s + 9) != 1) {
            return false;
        }
        int ihl = (p.getByte(s) & 0x0f) * 4;
        if (p.getByte(s + ihl) != 8) {
            return false;
        }
        int src = p.getInt(s + 12);
        p.setInt(s + 12, p.getInt(s + 16));
        p.setInt(s + 16, src);
        p.setByte(s + ihl, 0);
        p.setShort(s + ihl + 2, 0);
        long sum = 0;
        for (int i = s + ihl; i + 1 < s + len; i += 2) {
            sum += p.getUnsignedShort(i);
        }
        if ((len - ihl) % 2 == 1) {
            sum += (p.getUnsignedByte(s + len - 1) << 8);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        p.setShort(s + ihl + 2, (int) (~sum & 0xffff));
        return true;
    }
}

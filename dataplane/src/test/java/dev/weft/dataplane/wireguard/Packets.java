package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds minimal IPv4/IPv6 packets for tests. */
final class Packets {
    private Packets() {
    }

    static byte[] ipv4(String src, String dst, int payloadLength, int seed) {
        byte[] p = new byte[20 + payloadLength];
        p[0] = 0x45;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(addr(src), 0, p, 12, 4);
        System.arraycopy(addr(dst), 0, p, 16, 4);
        for (int i = 20; i < p.length; i++) {
            p[i] = (byte) (seed + i);
        }
        return p;
    }

    static byte[] ipv6(String src, String dst, int payloadLength, int seed) {
        byte[] p = new byte[40 + payloadLength];
        p[0] = 0x60;
        p[4] = (byte) (payloadLength >>> 8);
        p[5] = (byte) payloadLength;
        p[6] = 17;
        p[7] = 64;
        System.arraycopy(addr(src), 0, p, 8, 16);
        System.arraycopy(addr(dst), 0, p, 24, 16);
        for (int i = 40; i < p.length; i++) {
            p[i] = (byte) (seed * 7 + i);
        }
        return p;
    }

    /** The packet in a buffer with 16 bytes of headroom and room for padding and tag. */
    static ByteBuf withHeadroom(byte[] packet) {
        ByteBuf b = Unpooled.buffer(packet.length + 64);
        b.writerIndex(16);
        b.readerIndex(16);
        b.writeBytes(packet);
        return b;
    }

    /** The packet in a tight buffer (forces the copying path). */
    static ByteBuf tight(byte[] packet) {
        return Unpooled.wrappedBuffer(packet.clone());
    }

    static byte[] addr(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

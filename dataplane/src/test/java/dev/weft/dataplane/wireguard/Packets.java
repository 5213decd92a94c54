package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds minimal IPv4/IPv6 packets for tests (headers valid enough for routing and length). */
final class Packets {

    private Packets() {
    }

    static byte[] ipv4(String source, String destination, int payloadLength) {
        byte[] packet = new byte[20 + payloadLength];
        packet[0] = 0x45;
        int total = packet.length;
        packet[2] = (byte) (total >>> 8);
        packet[3] = (byte) total;
        packet[8] = 64;
        packet[9] = 17;
        System.arraycopy(address(source), 0, packet, 12, 4);
        System.arraycopy(address(destination), 0, packet, 16, 4);
        for (int i = 20; i < packet.length; i++) {
            packet[i] = (byte) (i * 7);
        }
        return packet;
    }

    static byte[] ipv6(String source, String destination, int payloadLength) {
        byte[] packet = new byte[40 + payloadLength];
        packet[0] = 0x60;
        packet[4] = (byte) (payloadLength >>> 8);
        packet[5] = (byte) payloadLength;
        packet[6] = 17;
        packet[7] = 64;
        System.arraycopy(address(source), 0, packet, 8, 16);
        System.arraycopy(address(destination), 0, packet, 24, 16);
        for (int i = 40; i < packet.length; i++) {
            packet[i] = (byte) (i * 3);
        }
        return packet;
    }

    static ByteBuf heap(byte[] packet) {
        return Unpooled.copiedBuffer(packet);
    }

    /** A direct buffer with 16 bytes of headroom and room for padding and tag: encrypted in place. */
    static ByteBuf withHeadroom(byte[] packet) {
        ByteBuf buf = Unpooled.directBuffer(16 + packet.length + 32);
        buf.writerIndex(16).readerIndex(16);
        buf.writeBytes(packet);
        return buf;
    }

    static byte[] address(String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

package dev.weft.chaos.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the UDP payloads of IPv4 frames from a classic pcap file written by {@code tcpdump -w} on Ethernet. */
final class Pcap {
    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int LINKTYPE_ETHERNET = 1;

    private Pcap() {}

    static List<byte[]> udpPayloads(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.getInt(0);
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            in.order(ByteOrder.BIG_ENDIAN);
            magic = in.getInt(0);
            if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
                throw new IOException(file + ": not a pcap file");
            }
        }
        if (in.getInt(20) != LINKTYPE_ETHERNET) {
            throw new IOException(file + ": link type " + in.getInt(20) + ", expected Ethernet");
        }
        ByteBuffer net = in.duplicate().order(ByteOrder.BIG_ENDIAN); // frames are in network order
        List<byte[]> out = new ArrayList<>();
        int pos = 24;
        while (pos + 16 <= in.limit()) {
            int captured = in.getInt(pos + 8);
            int frame = pos + 16;
            pos = frame + captured;
            if (pos > in.limit()) {
                break; // a record cut off by the capture's end
            }
            if (captured < 14 + 20 + 8 || (net.getShort(frame + 12) & 0xffff) != 0x0800) {
                continue;
            }
            int ip = frame + 14;
            int ihl = (net.get(ip) & 0x0f) * 4;
            if (net.get(ip + 9) != 17) {
                continue;
            }
            int udp = ip + ihl;
            int length = (net.getShort(udp + 4) & 0xffff) - 8;
            if (length < 0 || udp + 8 + length > pos) {
                continue;
            }
            byte[] payload = new byte[length];
            net.get(udp + 8, payload);
            out.add(payload);
        }
        return out;
    }
}

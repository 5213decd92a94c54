package dev.weft.dataplane.tun;

import dev.weft.dataplane.ByteBufCopy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Cuts a TUN super-packet (read with {@code IFF_VNET_HDR} and TSO/USO offloads on) into the
 * packets the kernel would have sent on a device without offloads, as Linux's
 * {@code tcp_gso_segment}/{@code __udp_gso_segment} do: each segment gets the headers with its
 * own lengths, IPv4 identification (+1 per segment), TCP sequence number, FIN/PSH only on the
 * last and CWR only on the first segment, and complete IPv4, TCP and UDP checksums. A packet
 * without GSO whose checksum is left partial ({@code NEEDS_CSUM}) gets its checksum completed.
 *
 * <p>The input comes from the local kernel, not the network, yet is checked: any header that
 * does not fit or disagrees with the virtio-net header refuses the whole packet.
 */
final class GsoSplitter {
    /** Receives each segment; takes ownership. */
    interface Output {
        void segment(ByteBuf packet);
    }

    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_CWR = 0x80;

    private final ByteBufAllocator allocator;
    private final int headroom;
    private final int tailroom;

    /** Segments are allocated with {@code headroom} bytes before and {@code tailroom} after them. */
    GsoSplitter(ByteBufAllocator allocator, int headroom, int tailroom) {
        this.allocator = allocator;
        this.headroom = headroom;
        this.tailroom = tailroom;
    }

    /**
     * Splits {@code packet} (its readable bytes: the IP packet after the virtio-net header) into
     * fresh buffers; {@code packet} stays the caller's (the TUN reader reuses one 64 KiB buffer).
     * Returns how many packets went to {@code out}, or -1 when the packet is malformed (nothing
     * went out).
     */
    int split(VirtioNetHeader h, ByteBuf packet, Output out) {
        int gso = h.gsoType() & ~VirtioNetHeader.GSO_ECN;
        if (gso == VirtioNetHeader.GSO_NONE) {
            if (h.needsChecksum() && !completeChecksum(h, packet)) {
                return -1;
            }
            int length = packet.readableBytes();
            ByteBuf copy = allocator.directBuffer(headroom + length + tailroom);
            copy.setIndex(headroom, headroom);
            ByteBufCopy.append(packet, packet.readerIndex(), length, copy);
            out.segment(copy);
            return 1;
        }
        return segment(h, gso, packet, out);
    }

    private static boolean completeChecksum(VirtioNetHeader h, ByteBuf p) {
        int start = p.readerIndex();
        int length = p.readableBytes();
        int field = h.csumStart() + h.csumOffset();
        if (h.csumStart() >= length || field + 2 > length) {
            return false;
        }
        // The field holds the pseudo-header sum; the sum over [csumStart, end) includes it.
        int sum = Checksums.finish(Checksums.add(0, p, start + h.csumStart(), length - h.csumStart()));
        p.setShort(start + field, sum);
        return true;
    }

    private int segment(VirtioNetHeader h, int gso, ByteBuf p, Output out) {
        int at = p.readerIndex();
        int length = p.readableBytes();
        if (length < 20 || h.gsoSize() == 0 || !h.needsChecksum()) {
            return -1;
        }
        int version = (p.getUnsignedByte(at) >> 4);
        boolean v4 = version == 4;
        int l4 = h.csumStart();
        int proto;
        if (v4) {
            int ihl = (p.getUnsignedByte(at) & 0x0f) * 4;
            if (ihl < 20 || ihl != l4 || gso == VirtioNetHeader.GSO_TCPV6) {
                return -1;
            }
            proto = p.getUnsignedByte(at + 9);
        } else if (version == 6) {
            if (l4 < 40 || gso == VirtioNetHeader.GSO_TCPV4) {
                return -1;
            }
            // Extension headers between 40 and csumStart are copied as they are; the next
            // header that matters is the L4 one the GSO type names.
            proto = gso == VirtioNetHeader.GSO_UDP_L4 ? PROTO_UDP : PROTO_TCP;
            if (l4 == 40 && p.getUnsignedByte(at + 6) != proto) {
                return -1;
            }
        } else {
            return -1;
        }
        boolean tcp = gso == VirtioNetHeader.GSO_TCPV4 || gso == VirtioNetHeader.GSO_TCPV6;
        if (!(tcp || gso == VirtioNetHeader.GSO_UDP_L4) || proto != (tcp ? PROTO_TCP : PROTO_UDP)) {
            return -1; // GSO_UDP (UFO, IP fragmentation) is never enabled
        }
        int l4Header;
        if (tcp) {
            if (l4 + 20 > length) {
                return -1;
            }
            l4Header = (p.getUnsignedByte(at + l4 + 12) >> 4) * 4;
            if (l4Header < 20 || h.csumOffset() != 16) {
                return -1;
            }
        } else {
            l4Header = 8;
            if (h.csumOffset() != 6) {
                return -1;
            }
        }
        int headers = l4 + l4Header;
        if (headers > length) {
            return -1;
        }
        int payload = length - headers;
        int size = h.gsoSize();
        int count = payload == 0 ? 1 : (payload + size - 1) / size;
        int ipId = v4 ? p.getUnsignedShort(at + 4) : 0;
        long seq = tcp ? p.getUnsignedInt(at + l4 + 4) : 0;
        int tcpFlags = tcp ? p.getUnsignedByte(at + l4 + 13) : 0;
        for (int i = 0; i < count; i++) {
            int from = i * size;
            int segLength = Math.min(size, payload - from);
            int total = headers + segLength;
            ByteBuf s = allocator.directBuffer(headroom + total + tailroom);
            s.setIndex(headroom, headroom);
            ByteBufCopy.append(p, at, headers, s);
            ByteBufCopy.append(p, at + headers + from, segLength, s);
            int ip = headroom;
            int l4At = ip + l4;
            long pseudo;
            if (v4) {
                s.setShort(ip + 2, total);
                s.setShort(ip + 4, ipId + i);
                s.setShort(ip + 10, 0);
                s.setShort(ip + 10, Checksums.finish(Checksums.add(0, s, ip, l4)));
                pseudo = Checksums.pseudoV4(s, ip, proto, l4Header + segLength);
            } else {
                s.setShort(ip + 4, total - 40);
                pseudo = Checksums.pseudoV6(s, ip, proto, l4Header + segLength);
            }
            int field;
            if (tcp) {
                s.setInt(l4At + 4, (int) (seq + from));
                int flags = tcpFlags;
                if (i < count - 1) {
                    flags &= ~(TCP_FIN | TCP_PSH);
                }
                if (i > 0) {
                    flags &= ~TCP_CWR;
                }
                s.setByte(l4At + 13, flags);
                field = l4At + 16;
            } else {
                s.setShort(l4At + 4, 8 + segLength);
                field = l4At + 6;
            }
            s.setShort(field, 0);
            int sum = Checksums.finish(Checksums.add(pseudo, s, l4At, l4Header + segLength));
            if (!tcp && sum == 0) {
                sum = 0xffff; // a computed zero is sent as all ones (RFC 768; zero means none)
            }
            s.setShort(field, sum);
            out.segment(s);
        }
        return count;
    }
}

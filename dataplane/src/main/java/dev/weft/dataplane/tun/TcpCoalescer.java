package dev.weft.dataplane.tun;

import dev.weft.dataplane.ByteBufCopy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * TCP GRO for TUN writes: consecutive TCP segments of one flow in a receive batch are merged into
 * one packet written with a virtio-net GSO header ({@code GSO_TCPV4}/{@code GSO_TCPV6},
 * {@code NEEDS_CSUM}), so the kernel takes in up to 64 KiB with one write and one trip through its
 * stack; everything else goes through as it came.
 *
 * <p>A segment joins a flow's pending packet only when cutting that packet as the kernel does
 * ({@code tcp_gso_segment}) gives back exactly the segments that went in, as Linux's own GRO
 * requires: the same addresses, ports, IP header fields (IPv4: no options, not a fragment, the
 * same TOS, DF and TTL, the identification one more than the last; IPv6: the same first word and
 * hop limit, no extension headers), the same acknowledgement number, window, urgent pointer and
 * TCP options (timestamps included), flags ACK or ACK+PSH only, the sequence number right after the
 * pending data, and a payload no longer than the first segment's (a shorter one, or one with PSH,
 * ends the packet), and a valid TCP checksum (the merged packet's partial checksum is trusted by
 * the kernel, so a corrupt segment must not hide in it). A segment of a pending flow that cannot join (a FIN, a gap, new options) first
 * sends the pending packet, so a flow's segments never overtake one another.
 *
 * <p>Only one thread uses it (the socket's event loop). Buffers handed in are owned by it;
 * a merged packet is built in a pooled buffer allocated when a second segment joins.
 */
final class TcpCoalescer {
    /** Receives what is to be written; takes ownership. */
    interface Output {
        /** An IP packet as it came (complete checksums). */
        void plain(ByteBuf packet);

        /** A virtio-net header followed by a merged TCP packet (the buffer's readable bytes). */
        void coalesced(ByteBuf frame);
    }

    /** Flows pending at once; a new flow beyond them sends one of the pending ones. */
    static final int SLOTS = 8;
    /** The longest merged packet (the IPv4 total length field's limit, used for both families). */
    static final int MAX_LENGTH = 65535;
    /** Segments per merged packet at most. */
    static final int MAX_SEGMENTS = 64;

    private static final int PROTO_TCP = 6;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int H = VirtioNetHeader.SIZE;

    private final ByteBufAllocator allocator;
    private final Output out;
    private final Slot[] slots = new Slot[SLOTS];
    private int evict;
    /** One writer (the loop), readers anywhere: ordered stores, no atomic add. */
    private final java.util.concurrent.atomic.AtomicLong mergedPackets = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong mergedSegments = new java.util.concurrent.atomic.AtomicLong();

    TcpCoalescer(ByteBufAllocator allocator, Output out) {
        this.allocator = allocator;
        this.out = out;
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot();
        }
    }

    /** One flow's pending packet. */
    private static final class Slot {
        /** The first segment while it is alone (then the reference for comparisons). */
        ByteBuf first;
        /** Header and merged packet once a second segment joined (the packet starts at {@link #H}). */
        ByteBuf frame;
        boolean v6;
        int tcpLength;
        int segmentSize;
        int segments;
        long nextSeq;
        int nextId;
        /** A shorter segment or one with PSH ended it. */
        boolean closed;

        boolean busy() {
            return first != null || frame != null;
        }

        ByteBuf ref() {
            return frame != null ? frame : first;
        }

        int refAt() {
            return frame != null ? H : first.readerIndex();
        }
    }

    /** Merged packets written so far. */
    long mergedPackets() {
        return mergedPackets.get();
    }

    /** Segments that went into merged packets. */
    long mergedSegments() {
        return mergedSegments.get();
    }

    /** Adds one decrypted IP packet of the batch; takes ownership. */
    void add(ByteBuf p) {
        int at = p.readerIndex();
        int length = p.readableBytes();
        if (length < 1) {
            out.plain(p);
            return;
        }
        int version = p.getUnsignedByte(at) >> 4;
        int ipLength;
        boolean whole; // not a fragment, lengths agree, no IP options or extension headers
        if (version == 4 && length >= 20) {
            ipLength = (p.getUnsignedByte(at) & 0x0f) * 4;
            whole = ipLength == 20 && p.getUnsignedByte(at + 9) == PROTO_TCP
                    && (p.getUnsignedShort(at + 6) & 0x3fff) == 0 && p.getUnsignedShort(at + 2) == length;
        } else if (version == 6 && length >= 40) {
            ipLength = 40;
            whole = p.getUnsignedByte(at + 6) == PROTO_TCP && p.getUnsignedShort(at + 4) + 40 == length;
        } else {
            out.plain(p);
            return;
        }
        if (!whole || ipLength + 20 > length) {
            out.plain(p); // not TCP, a fragment or malformed: the kernel judges it
            return;
        }
        boolean v6 = version == 6;
        int tcp = at + ipLength;
        int tcpLength = (p.getUnsignedByte(tcp + 12) >> 4) * 4;
        int flags = p.getUnsignedByte(tcp + 13);
        int payload = length - ipLength - tcpLength;
        boolean candidate = tcpLength >= 20 && payload > 0 && (flags == ACK || flags == (ACK | PSH))
                && checksumValid(p, at, v6, ipLength, length);
        Slot s = find(p, at, v6, ipLength);
        if (s != null) {
            if (candidate && joins(s, p, at, v6, tcpLength, payload)) {
                join(s, p, at, v6, ipLength + tcpLength, payload, flags);
                return;
            }
            flush(s); // the flow's earlier segments first
        }
        if (!candidate) {
            out.plain(p);
            return;
        }
        if (s == null) {
            s = free();
        }
        s.first = p;
        s.v6 = v6;
        s.tcpLength = tcpLength;
        s.segmentSize = payload;
        s.segments = 1;
        s.nextSeq = (p.getUnsignedInt(tcp + 4) + payload) & 0xffffffffL;
        s.nextId = v6 ? 0 : (p.getUnsignedShort(at + 4) + 1) & 0xffff;
        s.closed = (flags & PSH) != 0;
    }

    /**
     * A merged packet is written with a partial checksum, which the kernel trusts: a segment whose
     * checksum is wrong would be accepted inside one. So, as Linux's GRO does, only segments with a
     * valid checksum merge; a bad one goes through alone and the kernel drops it.
     */
    private static boolean checksumValid(ByteBuf p, int at, boolean v6, int ipLength, int length) {
        int l4 = length - ipLength;
        long pseudo = v6 ? Checksums.pseudoV6(p, at, PROTO_TCP, l4) : Checksums.pseudoV4(p, at, PROTO_TCP, l4);
        return Checksums.finish(Checksums.add(pseudo, p, at + ipLength, l4)) == 0;
    }

    /** The pending slot of the packet's flow (addresses and ports), or null. */
    private Slot find(ByteBuf p, int at, boolean v6, int ipLength) {
        for (Slot s : slots) {
            if (!s.busy() || s.v6 != v6) {
                continue;
            }
            ByteBuf r = s.ref();
            int ra = s.refAt();
            boolean same = v6 ? same(p, at + 8, r, ra + 8, 32)
                    : same(p, at + 12, r, ra + 12, 8);
            if (same && same(p, at + ipLength, r, ra + ipLength, 4)) {
                return s;
            }
        }
        return null;
    }

    private Slot free() {
        for (Slot s : slots) {
            if (!s.busy()) {
                return s;
            }
        }
        Slot s = slots[evict];
        evict = (evict + 1) % SLOTS;
        flush(s);
        return s;
    }

    private static boolean joins(Slot s, ByteBuf p, int at, boolean v6, int tcpLength, int payload) {
        if (s.closed || tcpLength != s.tcpLength || payload > s.segmentSize || s.segments >= MAX_SEGMENTS) {
            return false;
        }
        ByteBuf r = s.ref();
        int ra = s.refAt();
        int ipLength = v6 ? 40 : 20;
        int pending = s.frame != null ? s.frame.readableBytes() - H : s.first.readableBytes();
        if (pending + payload > MAX_LENGTH) {
            return false;
        }
        int tcp = at + ipLength;
        if ((p.getUnsignedInt(tcp + 4)) != s.nextSeq) {
            return false;
        }
        if (v6) {
            // version, traffic class, flow label; next header and hop limit (addresses matched already)
            if (!same(p, at, r, ra, 4) || !same(p, at + 6, r, ra + 6, 2)) {
                return false;
            }
        } else {
            // version/IHL and TOS; DF, fragment, TTL and protocol; identification in sequence
            if (!same(p, at, r, ra, 2) || !same(p, at + 6, r, ra + 6, 4)
                    || p.getUnsignedShort(at + 4) != s.nextId) {
                return false;
            }
        }
        int rt = ra + ipLength;
        // acknowledgement, data offset; window, urgent pointer and options (flags checked by the caller)
        return same(p, tcp + 8, r, rt + 8, 5)
                && same(p, tcp + 14, r, rt + 14, 2)
                && same(p, tcp + 18, r, rt + 18, tcpLength - 18);
    }

    /**
     * Whether {@code a[ai, ai+n)} and {@code b[bi, bi+n)} hold the same bytes, both ranges inside
     * packets already parsed. Headers are compared at a few bytes at a time: the widest reads first,
     * rather than {@code ByteBufUtil.equals}, which checks its arguments and goes byte by byte below
     * 8 bytes (4 % of a receiving daemon's time in the profile).
     */
    private static boolean same(ByteBuf a, int ai, ByteBuf b, int bi, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            if (a.getLong(ai + i) != b.getLong(bi + i)) {
                return false;
            }
        }
        if (i + 4 <= n) {
            if (a.getInt(ai + i) != b.getInt(bi + i)) {
                return false;
            }
            i += 4;
        }
        if (i + 2 <= n) {
            if (a.getShort(ai + i) != b.getShort(bi + i)) {
                return false;
            }
            i += 2;
        }
        return i == n || a.getByte(ai + i) == b.getByte(bi + i);
    }

    private void join(Slot s, ByteBuf p, int at, boolean v6, int headers, int payload, int flags) {
        if (s.frame == null) {
            ByteBuf f = allocator.directBuffer(H + MAX_LENGTH, H + MAX_LENGTH);
            f.writeZero(H);
            ByteBufCopy.append(s.first, f);
            s.first.release();
            s.first = null;
            s.frame = f;
        }
        ByteBufCopy.append(p, at + headers, payload, s.frame);
        p.release();
        s.segments++;
        s.nextSeq = (s.nextSeq + payload) & 0xffffffffL;
        s.nextId = (s.nextId + 1) & 0xffff;
        if ((flags & PSH) != 0) {
            int flagsAt = H + (v6 ? 40 : 20) + 13;
            s.frame.setByte(flagsAt, s.frame.getUnsignedByte(flagsAt) | PSH);
            s.closed = true;
        }
        if (payload < s.segmentSize) {
            s.closed = true;
        }
    }

    /** Writes every pending packet (the end of a receive batch). */
    void flush() {
        for (Slot s : slots) {
            flush(s);
        }
    }

    private void flush(Slot s) {
        if (s.first != null) {
            ByteBuf p = s.first;
            s.first = null;
            out.plain(p);
        } else if (s.frame != null) {
            ByteBuf f = s.frame;
            s.frame = null;
            finish(s, f);
            mergedPackets.lazySet(mergedPackets.get() + 1);
            mergedSegments.lazySet(mergedSegments.get() + s.segments);
            out.coalesced(f);
        }
    }

    /** Lengths, the IPv4 header checksum, the partial TCP checksum and the virtio-net header. */
    private static void finish(Slot s, ByteBuf f) {
        int total = f.readableBytes() - H;
        int ipLength = s.v6 ? 40 : 20;
        int tcp = H + ipLength;
        long pseudo;
        if (s.v6) {
            f.setShort(H + 4, total - 40);
            pseudo = Checksums.pseudoV6(f, H, PROTO_TCP, total - 40);
        } else {
            f.setShort(H + 2, total);
            f.setShort(H + 10, 0);
            f.setShort(H + 10, Checksums.finish(Checksums.add(0, f, H, 20)));
            pseudo = Checksums.pseudoV4(f, H, PROTO_TCP, total - 20);
        }
        // NEEDS_CSUM: the field holds the folded pseudo-header sum; the kernel adds the rest
        f.setShort(tcp + 16, ~Checksums.finish(pseudo) & 0xffff);
        f.setByte(0, VirtioNetHeader.F_NEEDS_CSUM);
        f.setByte(1, s.v6 ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_TCPV4);
        f.setShortLE(2, ipLength + s.tcpLength);
        f.setShortLE(4, s.segmentSize);
        f.setShortLE(6, ipLength);
        f.setShortLE(8, 16);
    }

    /** Releases everything pending without writing it (the device closes). */
    void discard() {
        for (Slot s : slots) {
            if (s.first != null) {
                s.first.release();
                s.first = null;
            }
            if (s.frame != null) {
                s.frame.release();
                s.frame = null;
            }
        }
    }
}

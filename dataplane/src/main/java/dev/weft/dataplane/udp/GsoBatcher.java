package dev.weft.dataplane.udp;

import dev.weft.dataplane.ByteBufCopy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/**
 * Turns a batch of outgoing datagrams into UDP GSO writes: consecutive datagrams to the same
 * address of one size (the last of a run may be shorter) are copied into one buffer that the
 * kernel cuts into those datagrams ({@code UDP_SEGMENT}), so a run of up to {@link #MAX_SEGMENTS}
 * costs one system call's worth of work instead of one per datagram. A datagram that starts no
 * run goes out on its own, uncopied.
 *
 * <p>Only the socket's event loop calls it; the buffer of a run is allocated when its second
 * datagram arrives and handed to the {@link Output}, which owns it from then on.
 */
final class GsoBatcher {
    /** Receives what is to be written; takes ownership of {@code content}. */
    interface Output {
        /**
         * {@code content} to {@code to}: one datagram when {@code segmentSize} is 0, else
         * datagrams of {@code segmentSize} bytes (the last may be shorter).
         */
        void emit(ByteBuf content, int segmentSize, InetSocketAddress to);
    }

    /** Segments per GSO write: the kernel's UDP_MAX_SEGMENTS on every kernel that has GSO. */
    static final int MAX_SEGMENTS = 64;
    /** Bytes per GSO write: the largest UDP payload of an IPv4 datagram (IPv6's is larger). */
    static final int MAX_BYTES = 65_507;

    private final ByteBufAllocator allocator;
    private final Output out;
    private InetSocketAddress to;
    /** The run's first datagram while the run is one datagram long. */
    private ByteBuf first;
    /** The run's GSO buffer once a second datagram joined. */
    private ByteBuf run;
    private int segmentSize;
    private int segments;
    /** The run ended with a shorter datagram: nothing more may join. */
    private boolean closed;

    GsoBatcher(ByteBufAllocator allocator, Output out) {
        this.allocator = allocator;
        this.out = out;
    }

    /** Adds one datagram to the batch; takes ownership. */
    void add(ByteBuf datagram, InetSocketAddress destination) {
        int length = datagram.readableBytes();
        if (segments > 0 && joins(length, destination)) {
            if (run == null) {
                int capacity = Math.min(MAX_BYTES, segmentSize * MAX_SEGMENTS);
                run = allocator.directBuffer(capacity, capacity);
                ByteBufCopy.append(first, run);
                first.release();
                first = null;
            }
            ByteBufCopy.append(datagram, run);
            datagram.release();
            segments++;
            closed = length < segmentSize;
            if (segments == MAX_SEGMENTS || run.readableBytes() + segmentSize > MAX_BYTES) {
                flush();
            }
            return;
        }
        flush();
        if (length == 0) {
            out.emit(datagram, 0, destination);
            return;
        }
        first = datagram;
        to = destination;
        segmentSize = length;
        segments = 1;
        closed = false;
    }

    private boolean joins(int length, InetSocketAddress destination) {
        int pending = run == null ? segmentSize : run.readableBytes();
        return !closed && length > 0 && length <= segmentSize && pending + length <= MAX_BYTES
                && destination.equals(to);
    }

    /** Emits the pending run (the end of a batch, or before a write that must not overtake it). */
    void flush() {
        if (segments == 0) {
            return;
        }
        if (run == null) {
            out.emit(first, 0, to);
            first = null;
        } else {
            out.emit(run, segmentSize, to);
            run = null;
        }
        segments = 0;
        to = null;
    }

    /** Releases what is pending without sending it (the socket closes). */
    void discard() {
        if (first != null) {
            first.release();
            first = null;
        }
        if (run != null) {
            run.release();
            run = null;
        }
        segments = 0;
        to = null;
    }
}

package dev.weft.dataplane.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The socket's receive buffers (fixed size), counting reads that carried more than one datagram.
 *
 * <p>With {@code UDP_GRO} and plain recvmsg, Netty's epoll channel cuts a coalesced read into
 * datagrams itself (retained slices of the read's buffer, no copy, by the segment size the kernel
 * reports) and tells the handle how many it made; that call is the only place a GRO read can be
 * seen, so the counting happens here. Only the socket's loop uses a handle.
 */
final class GroReadCounter extends FixedRecvByteBufAllocator {
    private final LoopCounter reads;
    private final LoopCounter datagrams;

    GroReadCounter(int bufferSize, LoopCounter reads, LoopCounter datagrams) {
        super(bufferSize);
        this.reads = reads;
        this.datagrams = datagrams;
    }

    @Override
    public Handle newHandle() {
        return new Counting((ExtendedHandle) super.newHandle());
    }

    private final class Counting implements ExtendedHandle {
        private final ExtendedHandle h;

        Counting(ExtendedHandle h) {
            this.h = h;
        }

        @Override
        public void incMessagesRead(int numMessages) {
            if (numMessages > 1) {
                reads.increment();
                datagrams.add(numMessages);
            }
            h.incMessagesRead(numMessages);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return h.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return h.allocate(alloc);
        }

        @Override
        public int guess() {
            return h.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            h.reset(config);
        }

        @Override
        public void lastBytesRead(int bytes) {
            h.lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return h.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            h.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return h.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return h.continueReading();
        }

        @Override
        public void readComplete() {
            h.readComplete();
        }
    }
}

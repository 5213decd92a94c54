package dev.weft.dataplane.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A Linux TUN interface ({@code IFF_TUN | IFF_NO_PI}: each read or write is one bare IP
 * packet) opened through {@code /dev/net/tun}.
 *
 * <p>{@link #open} creates the interface, or attaches to an existing persistent one of that
 * name. Packets are read on a Netty epoll event loop ({@link #startReader}: the TUN file
 * descriptor is registered there like a socket), into pooled direct buffers; the node's UDP
 * socket lives on the same loop, so a packet read here is encrypted and handed to the socket
 * without waking another thread. {@link #write} may be called from any thread. {@link #close}
 * stops the reader and closes the file descriptor, which removes an interface this process
 * created (it is not persistent). Addresses, MTU and link state are set with
 * {@link dev.weft.dataplane.netlink.Netlink}.
 */
public final class TunDevice implements AutoCloseable {
    /** Bytes reserved before each read packet, so the WireGuard header can be written in place. */
    public static final int HEADROOM = 16;
    /** Bytes reserved after each read packet, for WireGuard padding and the tag. */
    public static final int TAILROOM = 32;
    /** The longest interface name Linux accepts (IFNAMSIZ - 1). */
    public static final int MAX_NAME_LENGTH = 15;

    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int O_RDWR = 02;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    /** Packets read per readiness event; then other channels of the loop get their turn. */
    private static final int BATCH = 64;

    private final LibC libc;
    private final int fd;
    private final String name;
    private final int maxPacket;
    private final ThreadLocal<ByteBuf> writeScratch;
    private volatile boolean closed;
    private Reader reader;

    private TunDevice(LibC libc, int fd, String name, int maxPacket) {
        this.libc = libc;
        this.fd = fd;
        this.name = name;
        this.maxPacket = maxPacket;
        this.writeScratch = ThreadLocal.withInitial(
                () -> io.netty.buffer.Unpooled.directBuffer(65535));
    }

    /**
     * Creates (or attaches to) the TUN interface {@code name}.
     *
     * @param name the interface name, 1..15 characters; a {@code %d} lets the kernel number it
     * @param maxPacket the largest packet to read (the interface MTU)
     * @throws TunException with the failing call and errno (EPERM without CAP_NET_ADMIN)
     */
    public static TunDevice open(String name, int maxPacket) {
        Objects.requireNonNull(name, "name");
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length > MAX_NAME_LENGTH || name.contains("/")
                || name.contains(" ") || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException("bad interface name '" + name + "': 1 to 15 ASCII characters, no '/' or space");
        }
        if (maxPacket < 576 || maxPacket > 65535) {
            throw new IllegalArgumentException("maxPacket " + maxPacket + " out of range 576..65535");
        }
        LibC libc = Native.libc();
        int fd = libc.open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            throw new TunException(Native.describe("open(/dev/net/tun)", Native.errno()));
        }
        byte[] ifr = new byte[40];
        System.arraycopy(nameBytes, 0, ifr, 0, nameBytes.length);
        short flags = IFF_TUN | IFF_NO_PI;
        ifr[16] = (byte) flags;
        ifr[17] = (byte) (flags >> 8);
        if (libc.ioctl(fd, TUNSETIFF, ifr) < 0) {
            int errno = Native.errno();
            libc.close(fd);
            throw new TunException(Native.describe("ioctl(TUNSETIFF, " + name + ")", errno));
        }
        int end = 0;
        while (end < 16 && ifr[end] != 0) {
            end++;
        }
        String actual = new String(ifr, 0, end, StandardCharsets.US_ASCII);
        return new TunDevice(libc, fd, actual, maxPacket);
    }

    /** The interface name the kernel gave (as requested unless it contained {@code %d}). */
    public String name() {
        return name;
    }

    /** The largest packet read. */
    public int maxPacket() {
        return maxPacket;
    }

    /** Receives packets read from the interface, on the reader thread. */
    public interface PacketHandler {
        /**
         * One IP packet; the handler takes ownership. The buffer has {@link #HEADROOM} bytes
         * before the reader index and at least {@link #TAILROOM} writable bytes.
         */
        void onPacket(ByteBuf packet);

        /** The reader has no more packets for now (a good moment to flush a batch). */
        void onBatchEnd();
    }

    /**
     * Starts reading: registers the interface on {@code loop} (an epoll event loop), which calls
     * {@code handler} for every packet and {@link PacketHandler#onBatchEnd} after each batch,
     * until {@link #close}.
     *
     * @throws IllegalStateException when already started or closed, or when the loop refuses
     */
    public synchronized void startReader(PacketHandler handler, ByteBufAllocator allocator, IoEventLoop loop) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(allocator, "allocator");
        if (reader != null || closed) {
            throw new IllegalStateException("reader already started or device closed");
        }
        Reader r = new Reader(handler, allocator, loop);
        try {
            r.registration = loop.register(r).syncUninterruptibly().getNow();
            r.registration.submit(EpollIoOps.EPOLLIN); // level-triggered: a batch cut short resumes next round
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot register " + name + " on the event loop: " + e.getMessage(), e);
        }
        reader = r;
    }

    /** Reads up to {@link #BATCH} packets each time epoll reports the descriptor readable. */
    private final class Reader implements EpollIoHandle {
        private final PacketHandler handler;
        private final ByteBufAllocator allocator;
        private final FileDescriptor descriptor = new FileDescriptor(fd);
        private final int capacity = HEADROOM + maxPacket + TAILROOM;
        private final IoEventLoop loop;
        private IoRegistration registration; // set under TunDevice's lock, read after it
        private ByteBuf spare;

        Reader(PacketHandler handler, ByteBufAllocator allocator, IoEventLoop loop) {
            this.handler = handler;
            this.allocator = allocator;
            this.loop = loop;
        }

        @Override
        public FileDescriptor fd() {
            return descriptor;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            int batch = 0;
            try {
                while (batch < BATCH && !closed) {
                    if (spare == null) {
                        spare = allocator.directBuffer(capacity, capacity);
                    }
                    long n = libc.read(fd, spare.memoryAddress() + HEADROOM, maxPacket);
                    if (n > 0) {
                        spare.setIndex(HEADROOM, HEADROOM + (int) n);
                        ByteBuf packet = spare;
                        spare = null;
                        batch++;
                        handler.onPacket(packet);
                        continue;
                    }
                    int errno = n < 0 ? Native.errno() : Errno.EAGAIN;
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    if (errno != Errno.EAGAIN && !closed) {
                        System.err.println("weft: " + Native.describe("read(" + name + ")", errno) + "; TUN reader stops");
                        registration.cancel();
                    }
                    break;
                }
            } finally {
                if (batch > 0) {
                    handler.onBatchEnd();
                }
            }
        }

        @Override
        public void unregistered() {
            releaseSpare();
        }

        @Override
        public void close() {
            releaseSpare(); // the loop shuts down; the descriptor itself is closed by TunDevice.close
        }

        private void releaseSpare() {
            if (spare != null) {
                spare.release();
                spare = null;
            }
        }
    }

    /**
     * Writes one IP packet (the buffer's readable bytes) to the interface and releases the
     * buffer, as every other sink does. A full queue or a malformed packet drops it (as a
     * network would).
     *
     * @return false when the kernel refused the packet or the device is closed
     */
    public boolean write(ByteBuf packet) {
        try {
            if (closed) {
                return false;
            }
            int length = packet.readableBytes();
            long address;
            if (packet.hasMemoryAddress()) {
                address = packet.memoryAddress() + packet.readerIndex();
            } else {
                ByteBuf scratch = writeScratch.get();
                if (length > scratch.capacity()) {
                    return false;
                }
                scratch.clear();
                scratch.writeBytes(packet, packet.readerIndex(), length);
                address = scratch.memoryAddress();
            }
            return libc.write(fd, address, length) == length;
        } finally {
            packet.release();
        }
    }

    /**
     * Stops the reader (on its loop, so that no read is under way) and closes the device,
     * removing a non-persistent interface.
     */
    @Override
    public void close() {
        Reader r;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            r = reader;
        }
        if (r != null) {
            if (r.loop.inEventLoop()) {
                r.registration.cancel();
            } else if (!r.loop.isShuttingDown()) {
                try {
                    r.loop.submit(() -> r.registration.cancel()).await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the loop stopped meanwhile, and its registrations with it
                }
            }
        }
        libc.close(fd);
    }
}

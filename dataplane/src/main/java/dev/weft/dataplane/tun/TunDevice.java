package dev.weft.dataplane.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import jnr.ffi.Pointer;

/**
 * A Linux TUN interface ({@code IFF_TUN | IFF_NO_PI}: each read or write is one bare IP
 * packet) opened through {@code /dev/net/tun}.
 *
 * <p>{@link #open} creates the interface, or attaches to an existing persistent one of that
 * name. Packets are read by one dedicated thread ({@link #startReader}) into pooled direct
 * buffers; {@link #write} may be called from any thread. {@link #close} stops the reader,
 * waits for it, and closes the file descriptor, which removes an interface this process
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
    private static final int EFD_NONBLOCK = 04000;
    private static final int EFD_CLOEXEC = 02000000;
    private static final short POLLIN = 0x1;
    private static final int BATCH = 64;

    private final LibC libc;
    private final int fd;
    private final int wakeFd;
    private final String name;
    private final int maxPacket;
    private final Pointer pollFds;
    private final ThreadLocal<ByteBuf> writeScratch;
    private volatile boolean closed;
    private Thread reader;

    private TunDevice(LibC libc, int fd, int wakeFd, String name, int maxPacket) {
        this.libc = libc;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.name = name;
        this.maxPacket = maxPacket;
        this.pollFds = Native.runtime().getMemoryManager().allocateDirect(16, true);
        pollFds.putInt(0, fd);
        pollFds.putShort(4, POLLIN);
        pollFds.putInt(8, wakeFd);
        pollFds.putShort(12, POLLIN);
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
        int wake = libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (wake < 0) {
            int errno = Native.errno();
            libc.close(fd);
            throw new TunException(Native.describe("eventfd", errno));
        }
        return new TunDevice(libc, fd, wake, actual, maxPacket);
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
     * Starts the reader thread, which reads packets into buffers from {@code allocator} until
     * {@link #close}.
     *
     * @throws IllegalStateException when already started or closed
     */
    public synchronized void startReader(PacketHandler handler, ByteBufAllocator allocator) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(allocator, "allocator");
        if (reader != null || closed) {
            throw new IllegalStateException("reader already started or device closed");
        }
        reader = new Thread(() -> readLoop(handler, allocator), "weft-tun-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop(PacketHandler handler, ByteBufAllocator allocator) {
        int capacity = HEADROOM + maxPacket + TAILROOM;
        ByteBuf spare = null;
        int batch = 0;
        try {
            while (!closed) {
                if (spare == null) {
                    spare = allocator.directBuffer(capacity, capacity);
                }
                long n = libc.read(fd, spare.memoryAddress() + HEADROOM, maxPacket);
                if (n > 0) {
                    spare.setIndex(HEADROOM, HEADROOM + (int) n);
                    ByteBuf packet = spare;
                    spare = null;
                    handler.onPacket(packet);
                    if (++batch >= BATCH) {
                        handler.onBatchEnd();
                        batch = 0;
                    }
                    continue;
                }
                int errno = n < 0 ? Native.errno() : Errno.EAGAIN;
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno != Errno.EAGAIN) {
                    if (!closed) {
                        System.err.println("weft: " + Native.describe("read(" + name + ")", errno) + "; TUN reader stops");
                    }
                    return;
                }
                if (batch > 0) {
                    handler.onBatchEnd();
                    batch = 0;
                }
                awaitReadable();
            }
        } finally {
            if (spare != null) {
                spare.release();
            }
        }
    }

    private void awaitReadable() {
        pollFds.putShort(6, (short) 0);
        pollFds.putShort(14, (short) 0);
        libc.poll(pollFds, 2, -1); // EINTR or readiness: the loop re-checks either way
    }

    /**
     * Writes one IP packet (the buffer's readable bytes) to the interface. Does not release
     * the buffer. A full queue or a malformed packet drops it (as a network would).
     *
     * @return false when the kernel refused the packet or the device is closed
     */
    public boolean write(ByteBuf packet) {
        if (closed) {
            return false;
        }
        int length = packet.readableBytes();
        long address;
        if (packet.hasMemoryAddress()) {
            address = packet.memoryAddress() + packet.readerIndex();
        } else {
            ByteBuf scratch = writeScratch.get();
            scratch.clear();
            scratch.writeBytes(packet, packet.readerIndex(), Math.min(length, scratch.capacity()));
            address = scratch.memoryAddress();
        }
        return libc.write(fd, address, length) == length;
    }

    /** Stops and joins the reader thread, then closes the device (removing a non-persistent interface). */
    @Override
    public void close() {
        Thread r;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            r = reader;
        }
        byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
        libc.write(wakeFd, one, 8);
        if (r != null && r != Thread.currentThread()) {
            try {
                r.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        libc.close(fd);
        libc.close(wakeFd);
    }
}

package dev.weft.dataplane.tun;

import dev.weft.dataplane.ByteBufCopy;
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
    /**
     * Bytes reserved before each read packet, so the WireGuard header (16) and, for a relayed
     * peer, a relay frame's header (9) can be written in place; rounded up to 32.
     */
    public static final int HEADROOM = 32;
    /** Bytes reserved after each read packet, for WireGuard padding and the tag. */
    public static final int TAILROOM = 32;
    /** The longest interface name Linux accepts (IFNAMSIZ - 1). */
    public static final int MAX_NAME_LENGTH = 15;

    private static final long TUNSETIFF = 0x400454caL;
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    private static final int TUN_F_CSUM = 0x01;
    private static final int TUN_F_TSO4 = 0x02;
    private static final int TUN_F_TSO6 = 0x04;
    private static final int TUN_F_USO4 = 0x20;
    private static final int TUN_F_USO6 = 0x40;
    /** The largest read with offloads: the virtio-net header and a 64 KiB super-packet. */
    private static final int OFFLOAD_READ = VirtioNetHeader.SIZE + 65535;
    /** Super-packets per readiness event: 8 x 64 KiB stays under the UDP socket's send queue mark. */
    private static final int OFFLOAD_BATCH = 8;
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
    /** Offload flags in effect (0: opened without IFF_VNET_HDR, the plain path). */
    private final int offloads;
    private final java.util.concurrent.atomic.AtomicLong refusedSuperPackets = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong superPackets = new java.util.concurrent.atomic.AtomicLong();
    /** TCP GRO for writes made on the loop; null without offloads or with GRO off. */
    private final TcpCoalescer coalescer;
    /** GRO asked for and never refused by the kernel. */
    private volatile boolean gro;
    private final java.util.concurrent.atomic.AtomicLong refusedGroWrites = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;
    private Reader reader;

    private TunDevice(LibC libc, int fd, String name, int maxPacket, int offloads, boolean gro) {
        this.libc = libc;
        this.fd = fd;
        this.name = name;
        this.maxPacket = maxPacket;
        this.offloads = offloads;
        this.gro = gro && offloads != 0;
        this.coalescer = this.gro ? new TcpCoalescer(io.netty.buffer.PooledByteBufAllocator.DEFAULT, new TcpCoalescer.Output() {
            @Override
            public void plain(ByteBuf packet) {
                write(packet);
            }

            @Override
            public void coalesced(ByteBuf frame) {
                writeFrame(frame);
            }
        }) : null;
        this.writeScratch = ThreadLocal.withInitial(
                () -> io.netty.buffer.Unpooled.directBuffer(VirtioNetHeader.SIZE + 65535));
    }

    /**
     * Creates (or attaches to) the TUN interface {@code name}.
     *
     * @param name the interface name, 1..15 characters; a {@code %d} lets the kernel number it
     * @param maxPacket the largest packet to read (the interface MTU)
     * @throws TunException with the failing call and errno (EPERM without CAP_NET_ADMIN)
     */
    public static TunDevice open(String name, int maxPacket) {
        return open(name, maxPacket, false);
    }

    /**
     * Creates (or attaches to) the TUN interface {@code name}, with offloads when asked: the
     * virtio-net header ({@code IFF_VNET_HDR}) and TSO4/TSO6 plus USO4/USO6 (both or neither),
     * so that reads return TCP and UDP super-packets of up to 64 KiB, which the reader cuts into
     * MTU-sized packets ({@link GsoSplitter}) before handing them on. A kernel that refuses the
     * offloads gets the plain device ({@link #offloads()} says which).
     *
     * @param name the interface name, 1..15 characters; a {@code %d} lets the kernel number it
     * @param maxPacket the largest packet to read without offloads (the interface MTU)
     * @throws TunException with the failing call and errno (EPERM without CAP_NET_ADMIN)
     */
    public static TunDevice open(String name, int maxPacket, boolean offloads) {
        return open(name, maxPacket, offloads, offloads);
    }

    /**
     * As {@link #open(String, int, boolean)}, and with {@code gro} (needs offloads) the writes made
     * with {@link #writeBatched} merge consecutive TCP segments of a flow into one GSO write
     * ({@link TcpCoalescer}) until {@link #flushBatch}.
     */
    public static TunDevice open(String name, int maxPacket, boolean offloads, boolean gro) {
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
        if (offloads) {
            Opened o = openFd(libc, name, nameBytes, (short) (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR));
            int[] choices = {TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_USO4 | TUN_F_USO6,
                TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6};
            for (int flags : choices) {
                if (libc.ioctl(o.fd(), TUNSETOFFLOAD, (long) flags) == 0) {
                    return new TunDevice(libc, o.fd(), o.name(), maxPacket, flags, gro);
                }
            }
            libc.close(o.fd()); // no offloads here: the plain device below
        }
        Opened o = openFd(libc, name, nameBytes, (short) (IFF_TUN | IFF_NO_PI));
        return new TunDevice(libc, o.fd(), o.name(), maxPacket, 0, false);
    }

    private record Opened(int fd, String name) {
    }

    private static Opened openFd(LibC libc, String name, byte[] nameBytes, short flags) {
        int fd = libc.open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            throw new TunException(Native.describe("open(/dev/net/tun)", Native.errno()));
        }
        byte[] ifr = new byte[40];
        System.arraycopy(nameBytes, 0, ifr, 0, nameBytes.length);
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
        return new Opened(fd, new String(ifr, 0, end, StandardCharsets.US_ASCII));
    }

    /** The interface name the kernel gave (as requested unless it contained {@code %d}). */
    public String name() {
        return name;
    }

    /** The largest packet read. */
    public int maxPacket() {
        return maxPacket;
    }

    /** Whether reads return super-packets (virtio-net header, TSO and USO on). */
    public boolean offloads() {
        return offloads != 0;
    }

    /** The offload flags set with TUNSETOFFLOAD (0 without offloads). */
    int offloadFlags() {
        return offloads;
    }

    /** Reads that returned a GSO super-packet (cut into segments unless refused). */
    public long superPackets() {
        return superPackets.get();
    }

    /** Super-packets refused because their headers did not fit or disagreed (never expected). */
    public long refusedSuperPackets() {
        return refusedSuperPackets.get();
    }

    /** Whether {@link #writeBatched} merges TCP segments (GRO asked for, offloads on, never refused). */
    public boolean gro() {
        return gro;
    }

    /** GSO writes of merged TCP segments. */
    public long groWrites() {
        return coalescer == null ? 0 : coalescer.mergedPackets();
    }

    /** TCP segments that went into those writes. */
    public long groSegments() {
        return coalescer == null ? 0 : coalescer.mergedSegments();
    }

    /** Merged writes the kernel refused (after the first, GRO is off). */
    public long refusedGroWrites() {
        return refusedGroWrites.get();
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
        private final GsoSplitter splitter;
        private IoRegistration registration; // set under TunDevice's lock, read after it
        private ByteBuf spare;

        Reader(PacketHandler handler, ByteBufAllocator allocator, IoEventLoop loop) {
            this.handler = handler;
            this.allocator = allocator;
            this.loop = loop;
            this.splitter = new GsoSplitter(allocator, HEADROOM, TAILROOM);
        }

        @Override
        public FileDescriptor fd() {
            return descriptor;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            int batch = 0;
            int limit = offloads != 0 ? OFFLOAD_BATCH : BATCH;
            try {
                while (batch < limit && !closed) {
                    if (spare == null) {
                        spare = offloads != 0 ? allocator.directBuffer(OFFLOAD_READ, OFFLOAD_READ)
                                : allocator.directBuffer(capacity, capacity);
                    }
                    long n = offloads != 0 ? libc.read(fd, spare.memoryAddress(), OFFLOAD_READ)
                            : libc.read(fd, spare.memoryAddress() + HEADROOM, maxPacket);
                    if (n > 0) {
                        batch++;
                        if (offloads != 0) {
                            splitAndHandOn((int) n);
                            continue;
                        }
                        spare.setIndex(HEADROOM, HEADROOM + (int) n);
                        ByteBuf packet = spare;
                        spare = null;
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

        /** One read with offloads: the 64 KiB buffer is kept, its packets are copied out. */
        private void splitAndHandOn(int n) {
            if (n < VirtioNetHeader.SIZE) {
                refusedSuperPackets.incrementAndGet();
                return;
            }
            VirtioNetHeader h = VirtioNetHeader.read(spare, 0);
            spare.setIndex(VirtioNetHeader.SIZE, n);
            if (h.gsoType() != VirtioNetHeader.GSO_NONE) {
                superPackets.lazySet(superPackets.get() + 1); // one writer: the loop
            }
            if (splitter.split(h, spare, handler::onPacket) < 0) {
                refusedSuperPackets.incrementAndGet();
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
     * buffer, as every other sink does. With offloads the virtio-net header goes into the 10
     * bytes before the packet when the buffer is direct and has them, else through a copy. A full queue or a malformed packet drops it (as a
     * network would).
     *
     * @return false when the kernel refused the packet or the device is closed
     */
    public boolean write(ByteBuf packet) {
        try {
            if (closed) {
                return false;
            }
            int header = offloads != 0 ? VirtioNetHeader.SIZE : 0;
            int length = packet.readableBytes();
            int at = packet.readerIndex();
            long address;
            if (packet.hasMemoryAddress() && (header == 0 || (at >= header && packet.refCnt() == 1
                    && !packet.isReadOnly()))) {
                // With offloads every write starts with a virtio-net header; all zero says a
                // plain packet with complete checksums. It goes into the headroom (the
                // WireGuard header there is spent once the packet is decrypted).
                packet.setZero(at - header, header);
                address = packet.memoryAddress() + at - header;
            } else {
                ByteBuf scratch = writeScratch.get();
                if (length + header > scratch.capacity()) {
                    return false;
                }
                scratch.clear();
                scratch.writeZero(header);
                ByteBufCopy.append(packet, at, length, scratch);
                address = scratch.memoryAddress();
            }
            return libc.write(fd, address, length + header) == length + header;
        } finally {
            packet.release();
        }
    }

    /**
     * Writes one IP packet as part of a batch: with GRO, TCP segments are held and merged until
     * {@link #flushBatch}; anything else is written at once. Only from the event loop the reader
     * runs on (one thread: the coalescer is not shared). Takes ownership.
     */
    public void writeBatched(ByteBuf packet) {
        if (gro && !closed) {
            coalescer.add(packet);
        } else {
            write(packet);
        }
    }

    /** Writes what {@link #writeBatched} holds: the end of a receive batch. Same thread. */
    public void flushBatch() {
        if (coalescer != null) {
            coalescer.flush();
        }
    }

    /** A virtio-net header and a merged packet, as built by the coalescer; released. */
    private void writeFrame(ByteBuf frame) {
        try {
            int length = frame.readableBytes();
            if (closed) {
                return;
            }
            if (libc.write(fd, frame.memoryAddress() + frame.readerIndex(), length) != length) {
                int errno = Native.errno();
                if (errno == Errno.EINVAL) {
                    // a kernel that takes the header but not GSO writes: merge no more
                    refusedGroWrites.incrementAndGet();
                    gro = false;
                }
            }
        } finally {
            frame.release();
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
                discardBatch();
            } else if (!r.loop.isShuttingDown()) {
                try {
                    r.loop.submit(() -> {
                        r.registration.cancel();
                        discardBatch();
                    }).await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the loop stopped meanwhile, and its registrations with it
                }
            }
        }
        libc.close(fd);
    }

    private void discardBatch() {
        if (coalescer != null) {
            coalescer.discard();
        }
    }
}

package dev.weft.dataplane.netlink;

import dev.weft.dataplane.tun.Errno;
import dev.weft.dataplane.tun.LibC;
import dev.weft.dataplane.tun.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Tells when an address is added to or removed from any interface of this network namespace: a
 * {@code NETLINK_ROUTE} socket subscribed to the kernel's IPv4 and IPv6 address groups, read by a
 * thread of its own. The node republishes its candidates from there instead of waiting for its
 * next periodic look. {@link #close} stops the thread within a second.
 */
public final class AddressEvents implements AutoCloseable {
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int NETLINK_ROUTE = 0;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int RTMGRP_IPV4_IFADDR = 0x10;
    private static final int RTMGRP_IPV6_IFADDR = 0x100;
    private static final int ENOBUFS = 105;

    private final LibC libc;
    private final int fd;
    private final Thread reader;
    private volatile boolean closed;

    private AddressEvents(LibC libc, int fd, Runnable onChange) {
        this.libc = libc;
        this.fd = fd;
        this.reader = Thread.ofPlatform().daemon().name("weft-address-events").unstarted(() -> read(onChange));
    }

    /** Subscribes in the current network namespace; {@code onChange} runs on the reader thread (keep it quick). */
    public static AddressEvents start(Runnable onChange) {
        LibC libc = Native.libc();
        int fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw new NetlinkException(Native.describe("socket(AF_NETLINK)", Native.errno()), Native.errno());
        }
        byte[] sockaddr = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
                .putShort((short) AF_NETLINK).putShort((short) 0).putInt(0).putInt(RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR)
                .array();
        if (libc.bind(fd, sockaddr, sockaddr.length) < 0) {
            int errno = Native.errno();
            libc.close(fd);
            throw new NetlinkException(Native.describe("bind(AF_NETLINK, address groups)", errno), errno);
        }
        // a receive timeout, so that the reader notices close() without a signal
        byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(1).putLong(0).array();
        libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, timeout.length);
        AddressEvents events = new AddressEvents(libc, fd, onChange);
        events.reader.start();
        return events;
    }

    private void read(Runnable onChange) {
        byte[] buffer = new byte[16384];
        while (!closed) {
            long n = libc.recv(fd, buffer, buffer.length, 0);
            if (n < 0) {
                int errno = Native.errno();
                if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                    continue; // the timeout: look at closed again
                }
                if (errno == ENOBUFS) {
                    onChange.run(); // events were lost: something changed, look again
                    continue;
                }
                return;
            }
            if (n >= 16 && containsAddressMessage(buffer, (int) n)) {
                onChange.run();
            }
        }
    }

    /** Whether a batch of netlink messages holds an RTM_NEWADDR or RTM_DELADDR. */
    static boolean containsAddressMessage(byte[] b, int length) {
        ByteBuffer buf = ByteBuffer.wrap(b, 0, length).order(ByteOrder.nativeOrder());
        int at = 0;
        while (at + 16 <= length) {
            int len = buf.getInt(at);
            short type = buf.getShort(at + 4);
            if (type == Netlink.RTM_NEWADDR || type == Netlink.RTM_DELADDR) {
                return true;
            }
            if (len < 16) {
                return false;
            }
            at += (len + 3) & ~3;
        }
        return false;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            libc.close(fd);
        }
    }
}

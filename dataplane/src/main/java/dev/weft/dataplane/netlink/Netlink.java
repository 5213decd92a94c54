package dev.weft.dataplane.netlink;

import dev.weft.dataplane.tun.Errno;
import dev.weft.dataplane.tun.LibC;
import dev.weft.dataplane.tun.Native;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Interface configuration over a raw {@code AF_NETLINK}/{@code NETLINK_ROUTE} socket (what
 * {@code ip link|addr|route} does, without running it): interface index, link up and down,
 * MTU, IPv4/IPv6 addresses and routes through an interface, deleting a link.
 *
 * <p>Every request asks for an acknowledgement; a refusal becomes a {@link NetlinkException}
 * naming the request and the errno (for example {@code EEXIST (file exists)}). Requests are
 * serialized; the socket belongs to the calling process's network namespace.
 */
public final class Netlink implements AutoCloseable {
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int NETLINK_ROUTE = 0;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;

    static final short NLMSG_ERROR = 2;
    static final short NLMSG_DONE = 3;
    static final short RTM_NEWLINK = 16;
    static final short RTM_DELLINK = 17;
    static final short RTM_GETLINK = 18;
    static final short RTM_NEWADDR = 20;
    static final short RTM_DELADDR = 21;
    static final short RTM_NEWROUTE = 24;
    static final short RTM_DELROUTE = 25;

    static final short NLM_F_REQUEST = 0x1;
    static final short NLM_F_ACK = 0x4;
    static final short NLM_F_REPLACE = 0x100;
    static final short NLM_F_EXCL = 0x200;
    static final short NLM_F_CREATE = 0x400;

    private static final int AF_UNSPEC = 0;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int IFF_UP = 0x1;
    private static final short IFLA_MTU = 4;
    private static final short IFLA_IFNAME = 3;
    private static final short IFA_ADDRESS = 1;
    private static final short IFA_LOCAL = 2;
    private static final short RTA_DST = 1;
    private static final short RTA_OIF = 4;
    private static final byte RT_TABLE_MAIN = (byte) 254;
    private static final byte RTPROT_STATIC = 4;
    private static final byte RT_SCOPE_LINK = (byte) 253;
    private static final byte RTN_UNICAST = 1;

    private final LibC libc;
    private final int fd;
    private final byte[] receive = new byte[65536];
    private int sequence;
    private boolean closed;

    private Netlink(LibC libc, int fd) {
        this.libc = libc;
        this.fd = fd;
    }

    /** Opens a NETLINK_ROUTE socket in the current network namespace. */
    public static Netlink open() {
        LibC libc = Native.libc();
        int fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw new NetlinkException(Native.describe("socket(AF_NETLINK)", Native.errno()), Native.errno());
        }
        byte[] sockaddr = new byte[12];
        sockaddr[0] = AF_NETLINK;
        if (libc.bind(fd, sockaddr, sockaddr.length) < 0) {
            int errno = Native.errno();
            libc.close(fd);
            throw new NetlinkException(Native.describe("bind(AF_NETLINK)", errno), errno);
        }
        // a kernel that never answers must not hang the node: 5 s receive timeout
        byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(5).putLong(0).array();
        libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, timeout.length);
        return new Netlink(libc, fd);
    }

    /** The index of interface {@code name}; {@link NetlinkException} with ENODEV when there is none. */
    public synchronized int linkIndex(String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        Request r = new Request(RTM_GETLINK, NLM_F_REQUEST, ++sequence);
        r.ifinfomsg(AF_UNSPEC, 0, 0, 0);
        r.attribute(IFLA_IFNAME, nameBytes, true);
        byte[] reply = exchange(r, "get link " + name, true);
        // nlmsghdr (16) + ifinfomsg: family(1) pad(1) type(2) index(4)
        return ByteBuffer.wrap(reply).order(ByteOrder.nativeOrder()).getInt(16 + 4);
    }

    /** Sets the link up or down. */
    public synchronized void setLinkUp(int index, boolean up) {
        Request r = new Request(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), ++sequence);
        r.ifinfomsg(AF_UNSPEC, index, up ? IFF_UP : 0, IFF_UP);
        exchange(r, "set link " + index + (up ? " up" : " down"), false);
    }

    /** Sets the link's MTU. */
    public synchronized void setMtu(int index, int mtu) {
        Request r = new Request(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), ++sequence);
        r.ifinfomsg(AF_UNSPEC, index, 0, 0);
        r.attribute(IFLA_MTU, intBytes(mtu), false);
        exchange(r, "set link " + index + " mtu " + mtu, false);
    }

    /** Deletes the link (ENODEV when it is already gone). */
    public synchronized void deleteLink(int index) {
        Request r = new Request(RTM_DELLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), ++sequence);
        r.ifinfomsg(AF_UNSPEC, index, 0, 0);
        exchange(r, "delete link " + index, false);
    }

    /** Adds {@code address/prefixLength} (IPv4 or IPv6) to the link; EEXIST when present. */
    public synchronized void addAddress(int index, InetAddress address, int prefixLength) {
        address(RTM_NEWADDR, (short) (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL), index, address,
                prefixLength, "add address ");
    }

    /** Removes {@code address/prefixLength} from the link. */
    public synchronized void deleteAddress(int index, InetAddress address, int prefixLength) {
        address(RTM_DELADDR, (short) (NLM_F_REQUEST | NLM_F_ACK), index, address, prefixLength, "delete address ");
    }

    private void address(short type, short flags, int index, InetAddress address, int prefixLength, String what) {
        byte[] bytes = address.getAddress();
        checkPrefix(bytes, prefixLength);
        Request r = new Request(type, flags, ++sequence);
        r.ifaddrmsg(bytes.length == 4 ? AF_INET : AF_INET6, prefixLength, index);
        if (bytes.length == 4) {
            r.attribute(IFA_LOCAL, bytes, false);
        }
        r.attribute(IFA_ADDRESS, bytes, false);
        exchange(r, what + address.getHostAddress() + "/" + prefixLength + " on link " + index, false);
    }

    /**
     * Adds (or replaces) a route to {@code destination/prefixLength} through the link, in the
     * main table, scope link. Replacing makes it idempotent, also when the kernel already made
     * the same route for an address.
     */
    public synchronized void replaceRoute(int index, InetAddress destination, int prefixLength) {
        route(RTM_NEWROUTE, (short) (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE), index, destination,
                prefixLength, "add route ");
    }

    /** Deletes the route to {@code destination/prefixLength} through the link. */
    public synchronized void deleteRoute(int index, InetAddress destination, int prefixLength) {
        route(RTM_DELROUTE, (short) (NLM_F_REQUEST | NLM_F_ACK), index, destination, prefixLength, "delete route ");
    }

    private void route(short type, short flags, int index, InetAddress destination, int prefixLength, String what) {
        byte[] bytes = dev.weft.ip.IpPrefix.of(destination, prefixLength).network().address();
        Request r = new Request(type, flags, ++sequence);
        r.rtmsg(bytes.length == 4 ? AF_INET : AF_INET6, prefixLength);
        r.attribute(RTA_DST, bytes, false);
        r.attribute(RTA_OIF, intBytes(index), false);
        exchange(r, what + destination.getHostAddress() + "/" + prefixLength + " via link " + index, false);
    }

    private static void checkPrefix(byte[] bytes, int prefixLength) {
        if (prefixLength < 0 || prefixLength > bytes.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + bytes.length * 8);
        }
    }

    private static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    /**
     * Sends the request and reads until its acknowledgement (or, for a query, its reply).
     * Returns the reply message for a query, null for an acknowledged command.
     */
    private byte[] exchange(Request request, String what, boolean expectReply) {
        if (closed) {
            throw new IllegalStateException("netlink socket closed");
        }
        byte[] message = request.finish();
        long sent = libc.send(fd, message, message.length, 0);
        if (sent != message.length) {
            int errno = Native.errno();
            throw new NetlinkException(what + ": send: " + Errno.describe(errno), errno);
        }
        while (true) {
            long n = libc.recv(fd, receive, receive.length, 0);
            if (n < 0) {
                int errno = Native.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw new NetlinkException(what + ": recv: " + Errno.describe(errno), errno);
            }
            byte[] reply = NetlinkReplies.find(receive, (int) n, request.sequence);
            if (reply == null) {
                continue; // a message for an earlier request or a notification: not ours
            }
            int errno = NetlinkReplies.errorCode(reply);
            if (errno > 0) {
                throw new NetlinkException(what + ": " + Errno.describe(errno), errno);
            }
            if (errno == 0 && NetlinkReplies.type(reply) == NLMSG_ERROR) {
                if (expectReply) {
                    throw new NetlinkException(what + ": acknowledged without a reply", 0);
                }
                return null;
            }
            if (expectReply) {
                return reply;
            }
        }
    }

    /** Closes the socket. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }

    /** A request being built: header, family-specific message, attributes. */
    private static final class Request {
        private final ByteBuffer buf = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
        private final int sequence;

        Request(short type, short flags, int sequence) {
            this.sequence = sequence;
            buf.putInt(0); // length, set by finish()
            buf.putShort(type);
            buf.putShort(flags);
            buf.putInt(sequence);
            buf.putInt(0); // port id: the kernel fills it in
        }

        void ifinfomsg(int family, int index, int flags, int change) {
            buf.put((byte) family).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
        }

        void ifaddrmsg(int family, int prefixLength, int index) {
            buf.put((byte) family).put((byte) prefixLength).put((byte) 0).put((byte) 0).putInt(index);
        }

        void rtmsg(int family, int dstLength) {
            buf.put((byte) family).put((byte) dstLength).put((byte) 0).put((byte) 0)
                    .put(RT_TABLE_MAIN).put(RTPROT_STATIC).put(RT_SCOPE_LINK).put(RTN_UNICAST).putInt(0);
        }

        void attribute(short type, byte[] value, boolean nulTerminated) {
            int length = 4 + value.length + (nulTerminated ? 1 : 0);
            buf.putShort((short) length).putShort(type).put(value);
            if (nulTerminated) {
                buf.put((byte) 0);
            }
            while (buf.position() % 4 != 0) {
                buf.put((byte) 0);
            }
        }

        byte[] finish() {
            int length = buf.position();
            buf.putInt(0, length);
            byte[] out = new byte[length];
            buf.get(0, out);
            return out;
        }
    }

    /** Whether the address is IPv4 (for callers that route by family). */
    static boolean isIpv4(InetAddress address) {
        return address instanceof Inet4Address;
    }
}

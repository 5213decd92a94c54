package dev.weft.dataplane.udp;

/**
 * Which UDP offloads the socket uses. A kernel without them gets the plain path either way.
 *
 * @param gso send runs of same-sized datagrams to one address as one {@code UDP_SEGMENT} write
 *     (turned off by itself for good after the first write the kernel refuses)
 * @param gro receive with {@code UDP_GRO}: the kernel may hand over several datagrams of one
 *     sender in one buffer, which is cut back into datagrams before the demultiplexer
 */
public record UdpOffloads(boolean gso, boolean gro) {
    /** Both on. */
    public static final UdpOffloads ALL = new UdpOffloads(true, true);
    /** Both off: one system call's worth per datagram, as before offloads. */
    public static final UdpOffloads NONE = new UdpOffloads(false, false);
}

package dev.weft.dataplane.udp;

/**
 * Counters of the UDP socket.
 *
 * @param wireguard datagrams handed to WireGuard (first byte 1..4)
 * @param control datagrams handed to the control handler
 * @param dropped datagrams dropped for an unknown first byte (or empty, or a relay frame without a relay receiver)
 * @param droppedOutbound datagrams not sent because the send queue was full
 * @param relay relay frames handed to the relay receiver
 */
public record UdpCounters(long wireguard, long control, long dropped, long droppedOutbound, long relay) {
    /** Without the relay count (zero). */
    public UdpCounters(long wireguard, long control, long dropped, long droppedOutbound) {
        this(wireguard, control, dropped, droppedOutbound, 0);
    }
}

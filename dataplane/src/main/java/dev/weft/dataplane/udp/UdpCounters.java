package dev.weft.dataplane.udp;

/**
 * Counters of the UDP socket.
 *
 * @param wireguard datagrams handed to WireGuard (first byte 1..4)
 * @param control datagrams handed to the control handler
 * @param dropped datagrams dropped for an unknown first byte (or empty)
 * @param droppedOutbound datagrams not sent because the send queue was full
 */
public record UdpCounters(long wireguard, long control, long dropped, long droppedOutbound) {
}

package dev.weft.dataplane.udp;

/**
 * What the UDP offloads did.
 *
 * @param gsoWrites GSO writes handed to the kernel
 * @param gsoDatagrams datagrams sent inside those writes
 * @param gsoFailures GSO writes the kernel refused (after the first, GSO is off)
 * @param groReads receives that returned more than one datagram
 * @param groDatagrams datagrams cut out of those receives
 */
public record UdpOffloadCounters(long gsoWrites, long gsoDatagrams, long gsoFailures, long groReads,
                                 long groDatagrams) {
}

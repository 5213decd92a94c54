package dev.weft.dataplane.wireguard;

/**
 * Device-level counters of refused input.
 *
 * @param unknownPeer initiations from unknown static keys and messages for unknown indices
 * @param badMac handshake messages with a wrong MAC1 (or a failed handshake decryption)
 * @param malformed datagrams of a wrong size, type or reserved bytes
 * @param handshakeReplays initiations refused for a replayed timestamp or flooding
 * @param cookiesSent cookie replies sent while under load
 * @param rateLimited handshake messages dropped by the per-address rate limit under load
 * @param noRoute IP packets to send with no peer for the destination
 * @param internalErrors exceptions from the device's own code or its sink (bugs, never bad input)
 * @param stagedDropped packets dropped from a peer's queue while its session was not up yet (the
 *     queue is bounded; the oldest goes)
 */
public record DeviceCounters(long unknownPeer, long badMac, long malformed, long handshakeReplays,
                             long cookiesSent, long rateLimited, long noRoute, long internalErrors, long stagedDropped) {
}

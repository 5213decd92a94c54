package dev.weft.dataplane.wireguard;

/**
 * Device-level counters: what was dropped before any peer could be blamed.
 *
 * @param unknownPeer       initiations from static keys that are no peer, and messages for unknown indices
 * @param badMac            handshake messages with an invalid MAC1 (or invalid cookie reply)
 * @param malformed         datagrams of a wrong size or unknown type
 * @param noRoute           outbound IP packets whose destination no peer's allowed IPs cover
 * @param cookieRepliesSent cookie replies sent while under load
 * @param rateLimited       handshake messages dropped by the per-source rate limit under load
 */
public record DeviceCounters(long unknownPeer, long badMac, long malformed, long noRoute,
                             long cookieRepliesSent, long rateLimited) {
}

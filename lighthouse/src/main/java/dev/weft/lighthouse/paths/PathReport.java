package dev.weft.lighthouse.paths;

import dev.weft.dataplane.wireguard.Endpoint;
import java.net.InetSocketAddress;

/**
 * What path selection chose for a peer, for status and ping.
 *
 * @param direct the chosen direct path, or null when none answers (the session is relayed then,
 *     or waits for one)
 * @param rttMillis the smoothed round trip of {@code direct}; when relayed, the last round trip
 *     through the relay; else null
 * @param relay the name of the relay offered for this peer, or null
 * @param relayEndpoint the binding that relay offered, or null
 * @param relayed whether traffic goes through {@code relay} (no direct path answers)
 * @param punching whether punching looks for a direct path (none answers yet)
 */
public record PathReport(InetSocketAddress direct, Double rttMillis, String relay, Endpoint.Relayed relayEndpoint,
                         boolean relayed, boolean punching) {
}

package dev.weft.lighthouse.channel;

import dev.weft.certs.NodeIdentity;
import java.net.InetSocketAddress;

/** A verified peer: its identity, the source of its last authenticated datagram, and when (wall ms). */
public record PeerInfo(NodeIdentity identity, InetSocketAddress address, long lastSeenMillis) {
}

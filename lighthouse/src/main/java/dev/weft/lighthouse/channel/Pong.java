package dev.weft.lighthouse.channel;

import dev.weft.certs.NodeIdentity;
import java.net.InetSocketAddress;

/** A pong: who answered, from where, our address as it saw it, and the round-trip time. */
public record Pong(NodeIdentity peer, InetSocketAddress from, InetSocketAddress reflexive, long rttNanos) {
}

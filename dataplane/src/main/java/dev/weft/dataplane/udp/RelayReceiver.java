package dev.weft.dataplane.udp;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Receives relay frames: datagrams whose first byte is {@link UdpEndpoint#RELAY_FRAME}
 * ({@code [0xF2][binding id, 8 bytes][WireGuard datagram]}), for the relay role and for
 * sessions that use a relay. Called on the socket's event-loop thread; takes ownership.
 */
@FunctionalInterface
public interface RelayReceiver {
    /** One relay frame, whole (type byte included); {@code from} is normalized. */
    void onRelayFrame(ByteBuf frame, InetSocketAddress from);
}

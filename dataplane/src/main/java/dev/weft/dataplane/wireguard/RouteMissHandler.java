package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;

/**
 * Hears of an IP packet that no peer's allowed IPs route: where a mesh starts a session on
 * demand. Called on the thread that sent the packet (the event loop for TUN packets); must be
 * quick and must not block.
 */
@FunctionalInterface
public interface RouteMissHandler {
    /**
     * Returns true when it takes ownership of {@code packet} (to send it again once a peer for its
     * destination exists); false leaves it to the device, which drops and counts it.
     */
    boolean onRouteMiss(ByteBuf packet);
}

package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Tunables of a {@link WireGuardDevice}.
 *
 * @param timings                 protocol timers and message limits
 * @param mtu                     the tunnel MTU; plaintext is padded to a multiple of 16 up to it
 * @param handshakesPerSecondLoad above this many handshake messages per second the device is
 *                                "under load" and answers handshakes without a valid MAC2 with cookie replies
 * @param stagedPacketsPerPeer    packets kept per peer while a handshake is in progress
 * @param allocator               where outgoing datagrams are allocated (pooled direct buffers by default)
 */
public record WireGuardOptions(Timings timings, int mtu, int handshakesPerSecondLoad, int stagedPacketsPerPeer,
                               ByteBufAllocator allocator) {

    /** Validates ranges. */
    public WireGuardOptions {
        if (timings == null || allocator == null) {
            throw new IllegalArgumentException("timings and allocator are required");
        }
        if (mtu < 576 || mtu > 65535) {
            throw new IllegalArgumentException("mtu must be 576..65535");
        }
        if (handshakesPerSecondLoad < 1 || stagedPacketsPerPeer < 1) {
            throw new IllegalArgumentException("load threshold and staged queue must be positive");
        }
    }

    /** Standard timings, MTU 1420, load at 64 handshakes/s, 128 staged packets per peer. */
    public static WireGuardOptions defaults() {
        return new WireGuardOptions(Timings.standard(), 1420, 64, 128, PooledByteBufAllocator.DEFAULT);
    }

    /** A copy with other timings. */
    public WireGuardOptions withTimings(Timings newTimings) {
        return new WireGuardOptions(newTimings, mtu, handshakesPerSecondLoad, stagedPacketsPerPeer, allocator);
    }

    /** A copy with another load threshold. */
    public WireGuardOptions withHandshakesPerSecondLoad(int threshold) {
        return new WireGuardOptions(timings, mtu, threshold, stagedPacketsPerPeer, allocator);
    }

    /** A copy with another allocator. */
    public WireGuardOptions withAllocator(ByteBufAllocator newAllocator) {
        return new WireGuardOptions(timings, mtu, handshakesPerSecondLoad, stagedPacketsPerPeer, newAllocator);
    }
}

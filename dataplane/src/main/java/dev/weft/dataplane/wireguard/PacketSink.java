package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Where a {@link WireGuardDevice} puts what it produces. Ownership of every buffer passes
 * with the call: the sink releases it (or hands it on). Implementations must be
 * thread-safe: the device calls them from the threads that call into it and from its
 * timer thread.
 */
public interface PacketSink {

    /** A WireGuard message (types 1–4) for the UDP socket, to be sent to {@code to}. */
    void sendDatagram(ByteBuf datagram, InetSocketAddress to);

    /** A decrypted, authenticated IP packet for the TUN device. */
    void deliverPacket(ByteBuf ipPacket);

    /**
     * Called once at the end of each device call that may have produced output (a batch),
     * so a sink that buffers writes can flush them together. The default does nothing.
     */
    default void flush() {
    }
}

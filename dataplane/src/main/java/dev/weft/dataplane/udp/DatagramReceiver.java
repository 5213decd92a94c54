package dev.weft.dataplane.udp;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Receives WireGuard messages (first byte 1 to 4) from the socket, normally
 * {@code WireGuardDevice::receiveDatagram}. Takes ownership of the buffer.
 */
@FunctionalInterface
public interface DatagramReceiver {
    /** One WireGuard message from {@code from}. */
    void receiveDatagram(ByteBuf datagram, InetSocketAddress from);

    /**
     * The socket's loop has read a batch and is about to flush: what the receiver held back for
     * the batch (TUN writes to merge) goes out now. On the loop; the default does nothing.
     */
    default void batchEnd() {
    }
}

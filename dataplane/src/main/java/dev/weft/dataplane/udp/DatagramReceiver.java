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
}

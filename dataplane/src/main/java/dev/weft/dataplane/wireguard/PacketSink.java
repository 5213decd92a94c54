package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Where a {@link WireGuardDevice} puts its output. Both methods take ownership of the buffer
 * (the implementation releases it). They may be called from several threads at once
 * (receive, send and timer threads), and must not call back into the device synchronously.
 */
public interface PacketSink {
    /** A WireGuard message for the UDP socket. */
    void sendDatagram(ByteBuf datagram, InetSocketAddress to);

    /** A decrypted, authenticated IP packet for the TUN device. */
    void deliverPacket(ByteBuf ipPacket);

    /**
     * Output produced inside {@code receiveDatagram}/{@code sendPacket} belongs to the caller's
     * batch, which the caller flushes when the batch ends (e.g. Netty's channelReadComplete, or
     * after a TUN read loop), so a sink may buffer writes (sendmmsg, UDP GSO). Timer output
     * (keepalives, initiations, retries) has no such caller: the device calls this after every
     * timer tick so a buffering sink sends it. Called often; the default does nothing.
     */
    default void flush() {
    }
}

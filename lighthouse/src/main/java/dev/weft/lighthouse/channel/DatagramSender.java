package dev.weft.lighthouse.channel;

import dev.weft.dataplane.udp.UdpEndpoint;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;

/** Where the channel writes its datagrams: the node's one UDP socket, or a test's. */
@FunctionalInterface
public interface DatagramSender {
    /** Sends one datagram; the array is the channel's no more and may be kept. Must not block. */
    void send(byte[] datagram, InetSocketAddress to);

    /** Sends through the dataplane's socket, so that control and WireGuard share one NAT mapping. */
    static DatagramSender udp(UdpEndpoint endpoint) {
        return (datagram, to) -> endpoint.send(Unpooled.wrappedBuffer(datagram), to);
    }
}

package dev.weft.dataplane.udp;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Receives weft control messages: datagrams whose first byte is in
 * {@link UdpEndpoint#CONTROL_FIRST}..{@link UdpEndpoint#CONTROL_LAST}, a range WireGuard never
 * uses. Called on the socket's event-loop thread; takes ownership of the buffer.
 */
@FunctionalInterface
public interface ControlHandler {
    /** One control message; {@code from} is normalized (IPv4 senders as IPv4 addresses). */
    void onControl(ByteBuf message, InetSocketAddress from);

    /** A handler that drops (releases) every control message. */
    static ControlHandler discarding() {
        return (message, from) -> message.release();
    }
}

package dev.weft.dataplane.relay;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** Where a relay writes the frames it forwards: the node's UDP socket. Takes ownership. */
@FunctionalInterface
public interface FrameSender {
    void send(ByteBuf frame, InetSocketAddress to);
}

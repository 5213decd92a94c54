package dev.weft.dataplane.relay;

import dev.weft.dataplane.wireguard.Endpoint;
import io.netty.buffer.ByteBuf;

/** Reading the relay frame header; the layout is {@link Endpoint.Relayed}'s. */
final class RelayFrame {
    static final int TYPE = Endpoint.Relayed.FRAME_TYPE;
    static final int HEADER = Endpoint.Relayed.FRAME_HEADER;

    private RelayFrame() {
    }

    /** A frame with the type byte, a whole id and at least one byte of payload. */
    static boolean wellFormed(ByteBuf frame) {
        return frame.readableBytes() > HEADER && frame.getUnsignedByte(frame.readerIndex()) == TYPE;
    }

    static long id(ByteBuf frame) {
        return frame.getLong(frame.readerIndex() + 1);
    }
}

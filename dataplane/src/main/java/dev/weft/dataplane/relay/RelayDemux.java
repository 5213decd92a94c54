package dev.weft.dataplane.relay;

import dev.weft.dataplane.udp.RelayReceiver;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sorts relay frames from the socket: a frame whose id the {@link RelayForwarder} binds is
 * forwarded (this node is the relay), one whose id {@link RelayClients} attached is unwrapped
 * for the WireGuard device; malformed frames and unknown ids are dropped and counted. Either
 * side may be null (the role is off). Takes ownership of every frame; never throws on input.
 */
public final class RelayDemux implements RelayReceiver {
    private final RelayForwarder forwarder;
    private final RelayClients clients;
    private final LongAdder malformed = new LongAdder();
    private final LongAdder unknownId = new LongAdder();

    /** Counters of frames neither side took. */
    public record Counters(long malformed, long unknownId) {
    }

    public RelayDemux(RelayForwarder forwarder, RelayClients clients) {
        this.forwarder = forwarder;
        this.clients = clients;
    }

    @Override
    public void onRelayFrame(ByteBuf frame, InetSocketAddress from) {
        Objects.requireNonNull(from, "from");
        if (!RelayFrame.wellFormed(frame)) {
            malformed.increment();
            frame.release();
            return;
        }
        if ((forwarder == null || !forwarder.offer(frame, from)) && (clients == null || !clients.offer(frame, from))) {
            unknownId.increment();
            frame.release();
        }
    }

    public Counters counters() {
        return new Counters(malformed.sum(), unknownId.sum());
    }
}

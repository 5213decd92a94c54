package dev.weft.dataplane.relay;

import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.dataplane.wireguard.WireGuardDevice;
import io.netty.buffer.ByteBuf;
import io.netty.util.collection.LongObjectHashMap;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sessions that use relays: the relayed endpoints this node attached, by binding id. A frame
 * from the endpoint's relay with a known id is unwrapped and handed to the WireGuard device as
 * if it came from the peer ({@link WireGuardDevice#receiveDatagram(ByteBuf, Endpoint.Relayed)},
 * with the attached instance, so roaming allocates nothing); anything else is dropped and
 * counted. WireGuard authenticates what the frame carries: the id and the relay's address only
 * select where a session's replies go.
 *
 * <p>Threads: frames arrive on the socket's event loop (an immutable primitive map behind a
 * volatile reference, nothing allocated); attach and detach copy the map, from any thread.
 */
public final class RelayClients {
    private final WireGuardDevice device;
    private final int maxAttached;
    private volatile LongObjectHashMap<Endpoint.Relayed> attached = new LongObjectHashMap<>();
    private final Object writeLock = new Object();
    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder droppedWrongSource = new LongAdder();
    private volatile RelayedControl control;

    /**
     * Where weft control messages that came through a relay go (pings and pongs between two
     * members who reach each other only that way), with the relayed endpoint they came through.
     */
    public interface RelayedControl {
        /** Takes ownership of {@code message}. */
        void onRelayedControl(ByteBuf message, Endpoint.Relayed via);
    }

    /** Who receives control messages that arrive through relays; null drops them. */
    public void setControlHandler(RelayedControl handler) {
        this.control = handler;
    }

    /** Counters. */
    public record Counters(long framesReceived, long droppedWrongSource) {
    }

    public RelayClients(WireGuardDevice device, int maxAttached) {
        if (maxAttached < 1) {
            throw new IllegalArgumentException("maxAttached must be at least 1: " + maxAttached);
        }
        this.device = Objects.requireNonNull(device, "device");
        this.maxAttached = maxAttached;
    }

    /**
     * Accepts frames for {@code endpoint}'s id from its relay (replacing an endpoint with the same
     * id). False when {@code maxAttached} other ids are attached.
     */
    public boolean attach(Endpoint.Relayed endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        synchronized (writeLock) {
            LongObjectHashMap<Endpoint.Relayed> now = attached;
            if (endpoint.equals(now.get(endpoint.id()))) {
                return true;
            }
            if (!now.containsKey(endpoint.id()) && now.size() >= maxAttached) {
                return false;
            }
            LongObjectHashMap<Endpoint.Relayed> copy = copy(now);
            copy.put(endpoint.id(), endpoint);
            attached = copy;
            return true;
        }
    }

    /** Stops accepting frames for {@code id}; false when it was not attached. */
    public boolean detach(long id) {
        synchronized (writeLock) {
            if (!attached.containsKey(id)) {
                return false;
            }
            LongObjectHashMap<Endpoint.Relayed> copy = copy(attached);
            copy.remove(id);
            attached = copy;
            return true;
        }
    }

    /** The endpoint attached for {@code id}, or null. */
    public Endpoint.Relayed attached(long id) {
        return attached.get(id);
    }

    public int size() {
        return attached.size();
    }

    public int maxAttached() {
        return maxAttached;
    }

    public Counters counters() {
        return new Counters(framesReceived.sum(), droppedWrongSource.sum());
    }

    /**
     * Unwraps a well-formed frame whose id is attached (then takes ownership and returns true);
     * returns false and leaves the frame with the caller when the id is not attached.
     */
    boolean offer(ByteBuf frame, InetSocketAddress from) {
        Endpoint.Relayed endpoint = attached.get(RelayFrame.id(frame));
        if (endpoint == null) {
            return false;
        }
        if (!from.equals(endpoint.relay())) {
            droppedWrongSource.increment();
            frame.release();
            return true;
        }
        framesReceived.increment();
        frame.skipBytes(RelayFrame.HEADER);
        int first = frame.getUnsignedByte(frame.readerIndex());
        if (first >= 1 && first <= 4) {
            device.receiveDatagram(frame, endpoint);
            return true;
        }
        RelayedControl c = control;
        if (c != null && first >= dev.weft.dataplane.udp.UdpEndpoint.CONTROL_FIRST) {
            c.onRelayedControl(frame, endpoint);
        } else {
            frame.release();
        }
        return true;
    }

    private static LongObjectHashMap<Endpoint.Relayed> copy(LongObjectHashMap<Endpoint.Relayed> from) {
        LongObjectHashMap<Endpoint.Relayed> copy = new LongObjectHashMap<>(Math.max(8, from.size() * 2));
        for (LongObjectHashMap.PrimitiveEntry<Endpoint.Relayed> e : from.entries()) {
            copy.put(e.key(), e.value());
        }
        return copy;
    }
}

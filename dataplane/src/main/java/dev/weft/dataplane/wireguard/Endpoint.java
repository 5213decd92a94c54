package dev.weft.dataplane.wireguard;

import java.net.InetSocketAddress;

/**
 * Where a session's datagrams go. A value, so that path selection (the lighthouse module) can
 * tell a direct path from others; relayed endpoints (a relay node and the peer behind it) join
 * this type with NAT traversal.
 */
public sealed interface Endpoint {
    /** The underlay address datagrams are sent to. */
    InetSocketAddress address();

    /** Straight to the peer's {@code host:port}. */
    record Direct(InetSocketAddress address) implements Endpoint {
        public Direct {
            if (address == null || address.isUnresolved()) {
                throw new IllegalArgumentException("a direct endpoint is a resolved address: " + address);
            }
        }
    }

    /** Through a relay: frames to {@code relay} carrying binding {@code id}, which the relay forwards to the peer. */
    record Relayed(InetSocketAddress relay, long id) implements Endpoint {
        @Override
        public InetSocketAddress address() {
            return relay;
        }
    }

    static Endpoint direct(InetSocketAddress address) {
        return address == null ? null : new Direct(address);
    }
}

package dev.weft.dataplane.wireguard;

import java.net.InetSocketAddress;

/**
 * Where a session's datagrams go. A value, so that path selection (the lighthouse module) can
 * tell a direct path from a relayed one.
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

    /**
     * Through a relay: datagrams go to {@code relay} wrapped in a relay frame
     * ({@code [0xF2][id, 8 bytes big-endian][WireGuard datagram]}); the relay forwards them to
     * the peer bound to {@code id}. The relay sees only WireGuard ciphertext.
     */
    record Relayed(InetSocketAddress relay, long id) implements Endpoint {
        /** First byte of a relay frame (a byte WireGuard never uses). */
        public static final int FRAME_TYPE = 0xF2;
        /** Type byte and binding id. */
        public static final int FRAME_HEADER = 9;

        public Relayed {
            if (relay == null || relay.isUnresolved()) {
                throw new IllegalArgumentException("a relay endpoint is a resolved address: " + relay);
            }
        }

        /** The relay's address: where the frames go. */
        @Override
        public InetSocketAddress address() {
            return relay;
        }
    }

    static Endpoint direct(InetSocketAddress address) {
        return address == null ? null : new Direct(address);
    }
}

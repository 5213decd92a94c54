package dev.weft.lighthouse.relays;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The relay control messages (payload of channel kind RELAY): a sub-type byte, then fixed-size
 * fields. Every message has exactly one length; anything else is refused by {@link #decode}.
 */
sealed interface RelayMessage {
    int REQUEST = 1;
    int OFFER = 2;
    int REFUSE = 3;
    int CLOSE = 4;
    int KEY = 32;

    /** Refusal reasons. */
    int NOT_A_RELAY = 1;
    int PEER_UNKNOWN = 2;
    int FULL = 3;
    int BAD_PEER = 4;

    byte[] encode();

    /** Asks the relay to bind the sender to {@code peer}. */
    record Request(byte[] peer) implements RelayMessage {
        public Request {
            peer = key(peer);
        }

        @Override
        public byte[] encode() {
            return ByteBuffer.allocate(1 + KEY).put((byte) REQUEST).put(peer).array();
        }
    }

    /** The relay bound the receiver to {@code peer}: frames with {@code id} reach it. */
    record Offer(long id, byte[] peer) implements RelayMessage {
        public Offer {
            peer = key(peer);
        }

        @Override
        public byte[] encode() {
            return ByteBuffer.allocate(1 + 8 + KEY).put((byte) OFFER).putLong(id).put(peer).array();
        }
    }

    /** The relay will not bind the receiver to {@code peer}, for {@code reason}. */
    record Refuse(byte[] peer, int reason) implements RelayMessage {
        public Refuse {
            peer = key(peer);
            if (reason < 0 || reason > 0xFF) {
                throw new IllegalArgumentException("reason is one byte: " + reason);
            }
        }

        @Override
        public byte[] encode() {
            return ByteBuffer.allocate(1 + KEY + 1).put((byte) REFUSE).put(peer).put((byte) reason).array();
        }
    }

    /** The binding {@code id} is gone. */
    record Close(long id) implements RelayMessage {
        @Override
        public byte[] encode() {
            return ByteBuffer.allocate(1 + 8).put((byte) CLOSE).putLong(id).array();
        }
    }

    /**
     * Decodes a payload from the network.
     *
     * @throws RelayFormatException for an empty payload, an unknown sub-type or a wrong length
     */
    static RelayMessage decode(byte[] payload) throws RelayFormatException {
        if (payload == null || payload.length == 0) {
            throw new RelayFormatException("empty relay message");
        }
        int type = payload[0] & 0xFF;
        int expected = switch (type) {
            case REQUEST -> 1 + KEY;
            case OFFER -> 1 + 8 + KEY;
            case REFUSE -> 1 + KEY + 1;
            case CLOSE -> 1 + 8;
            default -> throw new RelayFormatException("unknown relay message type " + type);
        };
        if (payload.length != expected) {
            throw new RelayFormatException("relay message type " + type + " is " + expected + " bytes, not "
                    + payload.length);
        }
        ByteBuffer b = ByteBuffer.wrap(payload, 1, payload.length - 1);
        return switch (type) {
            case REQUEST -> new Request(Arrays.copyOfRange(payload, 1, 1 + KEY));
            case OFFER -> new Offer(b.getLong(), Arrays.copyOfRange(payload, 9, 9 + KEY));
            case REFUSE -> new Refuse(Arrays.copyOfRange(payload, 1, 1 + KEY), payload[1 + KEY] & 0xFF);
            default -> new Close(b.getLong());
        };
    }

    private static byte[] key(byte[] k) {
        if (k == null || k.length != KEY) {
            throw new IllegalArgumentException("a peer key is " + KEY + " bytes");
        }
        return k.clone();
    }
}

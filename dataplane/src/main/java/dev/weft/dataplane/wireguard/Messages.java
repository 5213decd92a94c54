package dev.weft.dataplane.wireguard;

/**
 * WireGuard's wire format (whitepaper 5.4): every message starts with a 1-byte type and
 * 3 zero bytes, read together as a little-endian 32-bit word; indices and counters are
 * little-endian.
 */
final class Messages {

    static final int TYPE_INITIATION = 1;
    static final int TYPE_RESPONSE = 2;
    static final int TYPE_COOKIE_REPLY = 3;
    static final int TYPE_TRANSPORT = 4;

    /** Initiation: type, sender, ephemeral, static(32+16), timestamp(12+16), mac1, mac2. */
    static final int INITIATION_SIZE = 148;
    static final int INITIATION_SENDER = 4;
    static final int INITIATION_EPHEMERAL = 8;
    static final int INITIATION_STATIC = 40;
    static final int INITIATION_STATIC_SIZE = 32 + 16;
    static final int INITIATION_TIMESTAMP = 88;
    static final int INITIATION_TIMESTAMP_SIZE = 12 + 16;

    /** Response: type, sender, receiver, ephemeral, empty(0+16), mac1, mac2. */
    static final int RESPONSE_SIZE = 92;
    static final int RESPONSE_SENDER = 4;
    static final int RESPONSE_RECEIVER = 8;
    static final int RESPONSE_EPHEMERAL = 12;
    static final int RESPONSE_EMPTY = 44;

    /** Cookie reply: type, receiver, nonce(24), cookie(16+16). */
    static final int COOKIE_REPLY_SIZE = 64;
    static final int COOKIE_REPLY_RECEIVER = 4;
    static final int COOKIE_REPLY_NONCE = 8;
    static final int COOKIE_REPLY_COOKIE = 32;

    /** Transport: type, receiver, counter(8), encrypted payload (at least the 16-byte tag). */
    static final int TRANSPORT_HEADER_SIZE = 16;
    static final int TRANSPORT_RECEIVER = 4;
    static final int TRANSPORT_COUNTER = 8;
    static final int TRANSPORT_MIN_SIZE = TRANSPORT_HEADER_SIZE + ChaChaPoly.TAG_SIZE;

    /** Offset of MAC1 and MAC2 in a handshake message of {@code size} bytes. */
    static int mac1Offset(int size) {
        return size - 32;
    }

    static int mac2Offset(int size) {
        return size - 16;
    }

    static void putIntLE(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static int getIntLE(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private Messages() {
    }
}

package dev.weft.dataplane.wireguard;

/** Wire formats of the four WireGuard messages (whitepaper section 5.4): sizes and offsets. */
final class Messages {
    static final int TYPE_INITIATION = 1;
    static final int TYPE_RESPONSE = 2;
    static final int TYPE_COOKIE_REPLY = 3;
    static final int TYPE_TRANSPORT = 4;

    static final int INITIATION_SIZE = 148;
    static final int INITIATION_SENDER = 4;
    static final int INITIATION_EPHEMERAL = 8;
    static final int INITIATION_STATIC = 40;
    static final int INITIATION_STATIC_SIZE = 32 + 16;
    static final int INITIATION_TIMESTAMP = 88;
    static final int INITIATION_TIMESTAMP_SIZE = 12 + 16;

    static final int RESPONSE_SIZE = 92;
    static final int RESPONSE_SENDER = 4;
    static final int RESPONSE_RECEIVER = 8;
    static final int RESPONSE_EPHEMERAL = 12;
    static final int RESPONSE_EMPTY = 44;
    static final int RESPONSE_EMPTY_SIZE = 16;

    static final int COOKIE_REPLY_SIZE = 64;
    static final int COOKIE_RECEIVER = 4;
    static final int COOKIE_NONCE = 8;
    static final int COOKIE_ENCRYPTED = 32;
    static final int COOKIE_ENCRYPTED_SIZE = 16 + 16;

    static final int TRANSPORT_HEADER_SIZE = 16;
    static final int TRANSPORT_RECEIVER = 4;
    static final int TRANSPORT_COUNTER = 8;
    static final int TRANSPORT_MIN_SIZE = TRANSPORT_HEADER_SIZE + 16;

    /** Both handshake messages end with mac1 and mac2 of 16 bytes each. */
    static int mac1Offset(int size) {
        return size - 32;
    }

    static int mac2Offset(int size) {
        return size - 16;
    }

    static final int PADDING_MULTIPLE = 16;

    /** Plaintext length after padding to 16, never beyond the MTU (as wireguard-go). */
    static int paddedLength(int length, int mtu) {
        int padded = (length + PADDING_MULTIPLE - 1) & ~(PADDING_MULTIPLE - 1);
        if (length > mtu) {
            return length;
        }
        return Math.min(padded, mtu);
    }

    static void putIntLe(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static int getIntLe(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private Messages() {
    }
}

package dev.weft.lighthouse.channel;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The control channel's wire format (lighthouse/README.md has the byte map). Decoding checks every
 * length and reserved bit and throws {@link ChannelFormatException} for anything else; it does no
 * cryptography, so it is cheap enough to run on the event loop before any rate limit.
 */
final class Wire {
    static final int TYPE_HELLO = 0xF0;
    static final int TYPE_SEALED = 0xF1;
    static final int VERSION = 1;
    static final int FLAG_REPLY = 1;

    /** Every hello is exactly this long, so that a hello answered with a hello never amplifies. */
    static final int HELLO_SIZE = 1200;
    static final int HELLO_NONCE = 16;
    static final int SIGNATURE = 64;
    static final int HELLO_CERT_OFFSET = 29;
    static final int MAX_CERT = HELLO_SIZE - HELLO_CERT_OFFSET - SIGNATURE;

    static final int KEY = 32;
    static final int SEALED_NONCE = 24;
    static final int SEALED_HEADER = 1 + KEY + 8 + SEALED_NONCE;
    static final int TAG = 16;
    static final int MAX_DATAGRAM = 1400;
    static final int MAX_PAYLOAD = MAX_DATAGRAM - SEALED_HEADER - TAG - 1;
    static final int MIN_SEALED = SEALED_HEADER + 1 + TAG;

    static final int PING_ID = 8;
    /** Ping payload: id and room for the longest reflexive address, so pong ≤ ping. */
    static final int PING_PAYLOAD = PING_ID + 1 + 16 + 2;

    static final byte[] HELLO_CONTEXT = "weft control hello v1\0".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KEY_LABEL = "weft control key v1\0".getBytes(StandardCharsets.US_ASCII);

    record Hello(int flags, long timestamp, byte[] nonce, byte[] certificate, byte[] signature, byte[] signed) {
        boolean isReply() {
            return (flags & FLAG_REPLY) != 0;
        }
    }

    record SealedHeader(byte[] senderKey, long timestamp, byte[] nonce, byte[] associatedData) {
    }

    record PongBody(long id, InetSocketAddress reflexive) {
    }

    private Wire() {
    }

    /** An unsigned hello: everything the signature covers, in place, with room for the rest. */
    static byte[] helloPrefix(int flags, long timestamp, byte[] nonce, byte[] certificate) {
        if (certificate.length > MAX_CERT || certificate.length == 0) {
            throw new IllegalArgumentException("certificate of " + certificate.length + " bytes does not fit a hello"
                    + " (at most " + MAX_CERT + ")");
        }
        byte[] out = new byte[HELLO_SIZE];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.put((byte) TYPE_HELLO).put((byte) VERSION).put((byte) flags).putLong(timestamp).put(nonce)
                .putShort((short) certificate.length).put(certificate);
        return out;
    }

    static int signedLength(int certificateLength) {
        return HELLO_CERT_OFFSET + certificateLength;
    }

    /** What the hello's signature covers: a context string, then the hello up to the signature. */
    static byte[] signedMessage(byte[] hello, int signedLength) {
        byte[] m = Arrays.copyOf(HELLO_CONTEXT, HELLO_CONTEXT.length + signedLength);
        System.arraycopy(hello, 0, m, HELLO_CONTEXT.length, signedLength);
        return m;
    }

    static Hello decodeHello(byte[] d) throws ChannelFormatException {
        if (d.length != HELLO_SIZE) {
            throw new ChannelFormatException("hello of " + d.length + " bytes, not " + HELLO_SIZE);
        }
        if ((d[0] & 0xFF) != TYPE_HELLO) {
            throw new ChannelFormatException("not a hello");
        }
        if (d[1] != VERSION) {
            throw new ChannelFormatException("hello version " + (d[1] & 0xFF) + " unsupported");
        }
        int flags = d[2] & 0xFF;
        if ((flags & ~FLAG_REPLY) != 0) {
            throw new ChannelFormatException("reserved hello flags set");
        }
        ByteBuffer b = ByteBuffer.wrap(d);
        long timestamp = b.getLong(3);
        byte[] nonce = Arrays.copyOfRange(d, 11, 11 + HELLO_NONCE);
        int certLength = b.getShort(27) & 0xFFFF;
        if (certLength == 0 || certLength > MAX_CERT) {
            throw new ChannelFormatException("hello certificate length " + certLength + " out of 1.." + MAX_CERT);
        }
        int signed = signedLength(certLength);
        for (int i = signed + SIGNATURE; i < d.length; i++) {
            if (d[i] != 0) {
                throw new ChannelFormatException("hello padding is not zero");
            }
        }
        return new Hello(flags, timestamp, nonce, Arrays.copyOfRange(d, HELLO_CERT_OFFSET, signed),
                Arrays.copyOfRange(d, signed, signed + SIGNATURE), signedMessage(d, signed));
    }

    static byte[] sealedHeader(byte[] senderKey, long timestamp, byte[] nonce) {
        byte[] out = new byte[SEALED_HEADER];
        ByteBuffer.wrap(out).put((byte) TYPE_SEALED).put(senderKey).putLong(timestamp).put(nonce);
        return out;
    }

    static SealedHeader decodeSealedHeader(byte[] d) throws ChannelFormatException {
        if (d.length < MIN_SEALED || d.length > MAX_DATAGRAM) {
            throw new ChannelFormatException("sealed message of " + d.length + " bytes, not " + MIN_SEALED + ".."
                    + MAX_DATAGRAM);
        }
        if ((d[0] & 0xFF) != TYPE_SEALED) {
            throw new ChannelFormatException("not a sealed message");
        }
        return new SealedHeader(Arrays.copyOfRange(d, 1, 1 + KEY), ByteBuffer.wrap(d).getLong(1 + KEY),
                Arrays.copyOfRange(d, 1 + KEY + 8, SEALED_HEADER), Arrays.copyOf(d, SEALED_HEADER));
    }

    static byte[] ping(long id) {
        byte[] out = new byte[PING_PAYLOAD];
        ByteBuffer.wrap(out).putLong(id);
        return out;
    }

    static long decodePing(byte[] payload) throws ChannelFormatException {
        if (payload.length != PING_PAYLOAD) {
            throw new ChannelFormatException("ping of " + payload.length + " bytes, not " + PING_PAYLOAD);
        }
        return ByteBuffer.wrap(payload).getLong();
    }

    /** id, then family (4 or 6), address, port: never longer than the ping it answers. */
    static byte[] pong(long id, InetSocketAddress reflexive) {
        byte[] address = reflexive.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(PING_ID + 1 + address.length + 2);
        b.putLong(id).put((byte) (address.length == 4 ? 4 : 6)).put(address).putShort((short) reflexive.getPort());
        return b.array();
    }

    static PongBody decodePong(byte[] payload) throws ChannelFormatException {
        if (payload.length != PING_ID + 1 + 4 + 2 && payload.length != PING_ID + 1 + 16 + 2) {
            throw new ChannelFormatException("pong of " + payload.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long id = b.getLong();
        int family = b.get();
        int length = family == 4 ? 4 : family == 6 ? 16 : -1;
        if (length != payload.length - PING_ID - 3) {
            throw new ChannelFormatException("pong address family " + family + " does not match its length");
        }
        byte[] address = new byte[length];
        b.get(address);
        int port = b.getShort() & 0xFFFF;
        try {
            InetAddress a = InetAddress.getByAddress(address);
            if (length == 16 && a instanceof Inet4Address) {
                throw new ChannelFormatException("pong carries an IPv4-mapped IPv6 address");
            }
            if (length == 4 && a instanceof Inet6Address) {
                throw new AssertionError("4 bytes are IPv4");
            }
            return new PongBody(id, new InetSocketAddress(a, port));
        } catch (UnknownHostException e) {
            throw new AssertionError("raw addresses of 4 or 16 bytes always parse", e);
        }
    }
}

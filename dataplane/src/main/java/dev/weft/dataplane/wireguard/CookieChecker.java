package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.crypto.XChaCha20Poly1305;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The responder side of MAC1/MAC2 and cookies (whitepaper 5.4.7): checks mac1 with our
 * public key, checks mac2 against the cookie for the sender's address, and seals cookie
 * replies. The cookie secret changes every COOKIE_REFRESH_TIME.
 */
final class CookieChecker {
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final byte[] secret = new byte[32];
    private final SecureRandom random;
    private final long refreshNanos;
    private long secretSetNanos;
    private boolean secretSet;

    CookieChecker(byte[] ourPublicKey, SecureRandom random, long refreshNanos) {
        this.mac1Key = NoiseHelpers.hash(NoiseHelpers.LABEL_MAC1, ourPublicKey);
        this.cookieKey = NoiseHelpers.hash(NoiseHelpers.LABEL_COOKIE, ourPublicKey);
        this.random = random;
        this.refreshNanos = refreshNanos;
    }

    boolean checkMac1(byte[] msg) {
        int m1 = Messages.mac1Offset(msg.length);
        byte[] expected = NoiseHelpers.mac(mac1Key, msg, 0, m1);
        return MessageDigest.isEqual(expected, java.util.Arrays.copyOfRange(msg, m1, m1 + 16));
    }

    synchronized boolean checkMac2(byte[] msg, InetSocketAddress source, long now) {
        if (!secretSet || now - secretSetNanos > refreshNanos) {
            return false;
        }
        byte[] cookie = NoiseHelpers.mac(secret, sourceBytes(source), 0, sourceBytes(source).length);
        int m2 = Messages.mac2Offset(msg.length);
        byte[] expected = NoiseHelpers.mac(cookie, msg, 0, m2);
        return MessageDigest.isEqual(expected, java.util.Arrays.copyOfRange(msg, m2, m2 + 16));
    }

    /** A cookie reply (type 3) to the handshake message {@code msg} from {@code source}. */
    synchronized byte[] createReply(byte[] msg, int receiverIndex, InetSocketAddress source, long now) {
        if (!secretSet || now - secretSetNanos > refreshNanos) {
            random.nextBytes(secret);
            secretSetNanos = now;
            secretSet = true;
        }
        byte[] src = sourceBytes(source);
        byte[] cookie = NoiseHelpers.mac(secret, src, 0, src.length);
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_SIZE];
        random.nextBytes(nonce);
        int m1 = Messages.mac1Offset(msg.length);
        byte[] mac1 = java.util.Arrays.copyOfRange(msg, m1, m1 + 16);
        byte[] sealed = XChaCha20Poly1305.seal(cookieKey, nonce, cookie, mac1);
        byte[] reply = new byte[Messages.COOKIE_REPLY_SIZE];
        reply[0] = Messages.TYPE_COOKIE_REPLY;
        Messages.putIntLe(reply, Messages.COOKIE_RECEIVER, receiverIndex);
        System.arraycopy(nonce, 0, reply, Messages.COOKIE_NONCE, nonce.length);
        System.arraycopy(sealed, 0, reply, Messages.COOKIE_ENCRYPTED, sealed.length);
        return reply;
    }

    /** The source address as the cookie covers it: IP bytes then the port, little-endian. */
    private static byte[] sourceBytes(InetSocketAddress source) {
        byte[] ip = source.getAddress() == null ? new byte[0] : source.getAddress().getAddress();
        byte[] out = java.util.Arrays.copyOf(ip, ip.length + 2);
        out[ip.length] = (byte) source.getPort();
        out[ip.length + 1] = (byte) (source.getPort() >>> 8);
        return out;
    }
}

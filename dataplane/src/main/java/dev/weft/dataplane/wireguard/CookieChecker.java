package dev.weft.dataplane.wireguard;

import java.net.InetSocketAddress;
import java.security.SecureRandom;

/**
 * The responder's side of the cookie mechanism (whitepaper 5.4.7): checks MAC1 and MAC2
 * of incoming handshake messages and builds cookie replies. The cookie for a source is
 * MAC(secret, source IP || source port) with a random secret replaced every two minutes.
 */
final class CookieChecker {

    private final SecureRandom random;
    private final Scheduler scheduler;
    private final long refreshNanos;
    private byte[] secret = new byte[32];
    private long secretCreatedNanos;
    private boolean hasSecret;

    CookieChecker(SecureRandom random, Scheduler scheduler, long refreshNanos) {
        this.random = random;
        this.scheduler = scheduler;
        this.refreshNanos = refreshNanos;
    }

    /** MAC1 = MAC(HASH(LABEL_MAC1 || our public), msg[0..mac1]). */
    static boolean checkMac1(LocalIdentity identity, byte[] msg) {
        int mac1 = Messages.mac1Offset(msg.length);
        byte[] expected = NoiseCrypto.mac(identity.mac1Key, msg, 0, mac1);
        return NoiseCrypto.macMatches(expected, msg, mac1);
    }

    /** MAC2 = MAC(cookie for the source, msg[0..mac2]), valid only with the current secret. */
    boolean checkMac2(byte[] msg, InetSocketAddress source) {
        byte[] cookie = cookieFor(source);
        int mac2 = Messages.mac2Offset(msg.length);
        byte[] expected = NoiseCrypto.mac(cookie, msg, 0, mac2);
        return NoiseCrypto.macMatches(expected, msg, mac2);
    }

    /** A cookie reply to {@code msg} (whose MAC1 is valid) from {@code source}. */
    byte[] createReply(LocalIdentity identity, byte[] msg, int receiverIndex, InetSocketAddress source) {
        byte[] cookie = cookieFor(source);
        byte[] nonce = new byte[XChaChaPoly.NONCE_SIZE];
        random.nextBytes(nonce);
        int mac1 = Messages.mac1Offset(msg.length);
        byte[] aad = java.util.Arrays.copyOfRange(msg, mac1, mac1 + NoiseCrypto.MAC_SIZE);
        byte[] sealed = XChaChaPoly.seal(identity.cookieKey, nonce, cookie, aad);
        byte[] reply = new byte[Messages.COOKIE_REPLY_SIZE];
        reply[0] = Messages.TYPE_COOKIE_REPLY;
        Messages.putIntLE(reply, Messages.COOKIE_REPLY_RECEIVER, receiverIndex);
        System.arraycopy(nonce, 0, reply, Messages.COOKIE_REPLY_NONCE, nonce.length);
        System.arraycopy(sealed, 0, reply, Messages.COOKIE_REPLY_COOKIE, sealed.length);
        return reply;
    }

    private synchronized byte[] cookieFor(InetSocketAddress source) {
        long now = scheduler.nanoTime();
        if (!hasSecret || now - secretCreatedNanos >= refreshNanos) {
            random.nextBytes(secret);
            secretCreatedNanos = now;
            hasSecret = true;
        }
        return NoiseCrypto.mac(secret, sourceBytes(source), 0, sourceBytes(source).length);
    }

    static byte[] sourceBytes(InetSocketAddress source) {
        byte[] ip = source.getAddress() == null ? new byte[0] : source.getAddress().getAddress();
        byte[] out = new byte[ip.length + 2];
        System.arraycopy(ip, 0, out, 0, ip.length);
        out[ip.length] = (byte) (source.getPort() >>> 8);
        out[ip.length + 1] = (byte) source.getPort();
        return out;
    }
}

package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.crypto.XChaCha20Poly1305;

/**
 * The initiator side of MAC1/MAC2 for one peer: adds mac1 (keyed with the peer's public
 * key) to every handshake message we send, and mac2 while a cookie from the peer is fresh;
 * consumes the peer's cookie replies.
 */
final class CookieGenerator {
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final long refreshNanos;
    private byte[] lastMac1;
    private byte[] cookie;
    private long cookieSetNanos;

    CookieGenerator(byte[] peerPublicKey, long refreshNanos) {
        this.mac1Key = NoiseHelpers.hash(NoiseHelpers.LABEL_MAC1, peerPublicKey);
        this.cookieKey = NoiseHelpers.hash(NoiseHelpers.LABEL_COOKIE, peerPublicKey);
        this.refreshNanos = refreshNanos;
    }

    /** Fills the mac1 and mac2 fields at the end of {@code msg}. */
    synchronized void addMacs(byte[] msg, long now) {
        int m1 = Messages.mac1Offset(msg.length);
        byte[] mac1 = NoiseHelpers.mac(mac1Key, msg, 0, m1);
        System.arraycopy(mac1, 0, msg, m1, 16);
        lastMac1 = mac1;
        int m2 = Messages.mac2Offset(msg.length);
        if (cookie == null || now - cookieSetNanos > refreshNanos) {
            java.util.Arrays.fill(msg, m2, m2 + 16, (byte) 0);
            return;
        }
        byte[] mac2 = NoiseHelpers.mac(cookie, msg, 0, m2);
        System.arraycopy(mac2, 0, msg, m2, 16);
    }

    /** Takes the cookie from a reply to our last handshake message; false if it does not open. */
    synchronized boolean consumeReply(byte[] reply, long now) {
        if (lastMac1 == null) {
            return false;
        }
        byte[] nonce = java.util.Arrays.copyOfRange(reply, Messages.COOKIE_NONCE, Messages.COOKIE_NONCE + 24);
        byte[] sealed = java.util.Arrays.copyOfRange(reply, Messages.COOKIE_ENCRYPTED,
                Messages.COOKIE_ENCRYPTED + Messages.COOKIE_ENCRYPTED_SIZE);
        byte[] opened = XChaCha20Poly1305.open(cookieKey, nonce, sealed, lastMac1);
        if (opened == null) {
            return false;
        }
        cookie = opened;
        cookieSetNanos = now;
        return true;
    }

    synchronized boolean hasFreshCookie(long now) {
        return cookie != null && now - cookieSetNanos <= refreshNanos;
    }
}

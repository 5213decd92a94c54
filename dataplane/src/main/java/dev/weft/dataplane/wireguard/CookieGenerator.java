package dev.weft.dataplane.wireguard;

/**
 * The initiator's side of the cookie mechanism for one peer: adds MAC1 (and MAC2 when a
 * fresh cookie is known) to outgoing handshake messages, and accepts cookie replies that
 * answer the last MAC1 sent.
 */
final class CookieGenerator {

    private final Scheduler scheduler;
    private final long cookieLifetimeNanos;
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final byte[] lastMac1 = new byte[NoiseCrypto.MAC_SIZE];
    private boolean hasLastMac1;
    private final byte[] cookie = new byte[NoiseCrypto.MAC_SIZE];
    private long cookieReceivedNanos;
    private boolean hasCookie;

    CookieGenerator(byte[] peerPublicKey, Scheduler scheduler, long cookieLifetimeNanos) {
        this.scheduler = scheduler;
        this.cookieLifetimeNanos = cookieLifetimeNanos;
        this.mac1Key = NoiseCrypto.hash(NoiseCrypto.LABEL_MAC1, peerPublicKey);
        this.cookieKey = NoiseCrypto.hash(NoiseCrypto.LABEL_COOKIE, peerPublicKey);
    }

    /** Fills MAC1 and MAC2 of a complete handshake message. */
    synchronized void addMacs(byte[] msg) {
        int mac1 = Messages.mac1Offset(msg.length);
        int mac2 = Messages.mac2Offset(msg.length);
        NoiseCrypto.mac(mac1Key, msg, 0, mac1, msg, mac1);
        System.arraycopy(msg, mac1, lastMac1, 0, NoiseCrypto.MAC_SIZE);
        hasLastMac1 = true;
        if (hasCookie && scheduler.nanoTime() - cookieReceivedNanos < cookieLifetimeNanos) {
            NoiseCrypto.mac(cookie, msg, 0, mac2, msg, mac2);
        } else {
            java.util.Arrays.fill(msg, mac2, mac2 + NoiseCrypto.MAC_SIZE, (byte) 0);
        }
    }

    /** Accepts a cookie reply if it decrypts against the last MAC1 we sent. */
    synchronized boolean consumeReply(byte[] reply) {
        if (!hasLastMac1) {
            return false;
        }
        byte[] nonce = java.util.Arrays.copyOfRange(reply, Messages.COOKIE_REPLY_NONCE,
                Messages.COOKIE_REPLY_NONCE + XChaChaPoly.NONCE_SIZE);
        byte[] plain = XChaChaPoly.open(cookieKey, nonce, reply, Messages.COOKIE_REPLY_COOKIE,
                NoiseCrypto.MAC_SIZE + ChaChaPoly.TAG_SIZE, lastMac1.clone());
        if (plain == null) {
            return false;
        }
        System.arraycopy(plain, 0, cookie, 0, NoiseCrypto.MAC_SIZE);
        cookieReceivedNanos = scheduler.nanoTime();
        hasCookie = true;
        hasLastMac1 = false;
        return true;
    }
}

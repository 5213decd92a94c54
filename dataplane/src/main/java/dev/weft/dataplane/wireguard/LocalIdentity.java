package dev.weft.dataplane.wireguard;

/** The device's static key pair and the keys derived from its public half. */
final class LocalIdentity {

    final byte[] privateKey;
    final byte[] publicKey;
    /** HASH(LABEL_MAC1 || our public key): checks MAC1 of messages sent to us. */
    final byte[] mac1Key;
    /** HASH(LABEL_COOKIE || our public key): encrypts cookie replies we send. */
    final byte[] cookieKey;

    LocalIdentity(byte[] privateKey) {
        if (privateKey == null || privateKey.length != 32) {
            throw new IllegalArgumentException("private key must be 32 bytes");
        }
        this.privateKey = privateKey.clone();
        this.publicKey = Keys.publicKey(privateKey);
        this.mac1Key = NoiseCrypto.hash(NoiseCrypto.LABEL_MAC1, publicKey);
        this.cookieKey = NoiseCrypto.hash(NoiseCrypto.LABEL_COOKIE, publicKey);
    }

    void zero() {
        NoiseCrypto.zero(privateKey);
    }
}

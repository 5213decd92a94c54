package dev.weft.dataplane.wireguard;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A ChaCha20 key that can be zeroed. Once destroyed, {@link #getEncoded()} returns null,
 * which makes {@code Cipher.init} fail instead of silently using an all-zero key when a
 * sender races with key expiry.
 */
final class ChaChaKey implements SecretKey {
    private static final long serialVersionUID = 1L;
    private final byte[] key;
    private boolean destroyed;

    ChaChaKey(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("ChaCha20 keys are 32 bytes");
        }
        this.key = key.clone();
    }

    @Override
    public String getAlgorithm() {
        return "ChaCha20";
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    /** A copy (the JDK cipher zeroes what it is given). */
    @Override
    public synchronized byte[] getEncoded() {
        return destroyed ? null : key.clone();
    }

    /** Copies the key into {@code dst} (32 bytes) without allocating (for an engine that, unlike the JDK, takes raw bytes); false once destroyed. */
    synchronized boolean copyTo(byte[] dst) {
        if (destroyed) {
            return false;
        }
        System.arraycopy(key, 0, dst, 0, 32);
        return true;
    }

    @Override
    public synchronized void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    @Override
    public synchronized boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "ChaChaKey[redacted]";
    }
}

package dev.weft.dataplane.wireguard;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A ChaCha20-Poly1305 key that can really be zeroed ({@code SecretKeySpec} cannot be).
 * The JDK cipher copies it at each init.
 */
final class ChaChaKey implements SecretKey {

    private final byte[] key;
    private volatile boolean destroyed;

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

    @Override
    public byte[] getEncoded() {
        return key.clone();
    }

    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "ChaChaKey[redacted]";
    }
}

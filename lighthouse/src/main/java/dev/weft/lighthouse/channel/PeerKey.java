package dev.weft.lighthouse.channel;

import java.security.MessageDigest;
import java.util.Arrays;

/** A peer's X25519 public key as a map key (compared in constant time, as the rules ask of keys). */
record PeerKey(byte[] bytes) {
    PeerKey {
        if (bytes.length != Wire.KEY) {
            throw new IllegalArgumentException("X25519 public keys are 32 bytes");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    boolean matches(byte[] other) {
        return MessageDigest.isEqual(bytes, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerKey k && MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "PeerKey[" + java.util.Base64.getEncoder().encodeToString(bytes) + "]";
    }
}

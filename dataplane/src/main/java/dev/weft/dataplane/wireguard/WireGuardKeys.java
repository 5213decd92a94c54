package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.crypto.Curve25519;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * WireGuard keys as {@code wg} handles them: 32 raw bytes, written in standard base64 with
 * padding (44 characters). For configuration files and the command line.
 */
public final class WireGuardKeys {
    private WireGuardKeys() {
    }

    /** A new clamped X25519 private key (as {@code wg genkey}). */
    public static byte[] generatePrivateKey() {
        return Curve25519.generatePrivateKey(new SecureRandom());
    }

    /** The public key of a private key (as {@code wg pubkey}). */
    public static byte[] publicKey(byte[] privateKey) {
        if (privateKey == null || privateKey.length != 32) {
            throw new IllegalArgumentException("private key must be 32 bytes");
        }
        return Curve25519.publicKey(privateKey);
    }

    /** A random preshared key (as {@code wg genpsk}). */
    public static byte[] generatePresharedKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /**
     * Parses a key in {@code wg}'s base64 form. Refuses anything but exactly 32 bytes in
     * canonical padded base64, with a message that never echoes the input (it may be secret).
     */
    public static byte[] parse(String base64) {
        if (base64 == null) {
            throw new IllegalArgumentException("key is missing");
        }
        String trimmed = base64.trim();
        if (trimmed.length() != 44 || !trimmed.endsWith("=")) {
            throw new IllegalArgumentException("key must be 44 characters of base64 (32 bytes), got "
                    + trimmed.length() + " characters");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key is not valid base64");
        }
        if (key.length != 32 || !Base64.getEncoder().encodeToString(key).equals(trimmed)) {
            throw new IllegalArgumentException("key is not canonical base64 of 32 bytes");
        }
        return key;
    }

    /** The key in {@code wg}'s base64 form. */
    public static String toBase64(byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("key must be 32 bytes");
        }
        return Base64.getEncoder().encodeToString(key);
    }
}

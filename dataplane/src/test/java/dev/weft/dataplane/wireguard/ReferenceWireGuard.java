package dev.weft.dataplane.wireguard;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A second, independent WireGuard handshake written in test code straight from the
 * whitepaper's formulas (section 5.4), on different primitives than the implementation:
 * a hand-written BLAKE2s, the JDK's X25519 and BouncyCastle's ChaCha20-Poly1305. Agreement
 * between the two proves the wire format and the key schedule.
 */
final class ReferenceWireGuard {

    private static final byte[] CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BASEPOINT = new byte[32];

    static {
        BASEPOINT[0] = 9;
    }

    final byte[] staticPrivate;
    final byte[] staticPublic;
    final byte[] peerPublic;
    final byte[] psk;
    private final SecureRandom random = new SecureRandom();

    byte[] chainKey;
    byte[] hash;
    byte[] ephemeralPrivate;
    int localIndex = 0x11223344;
    int remoteIndex;
    byte[] sendKey;
    byte[] receiveKey;
    long sendCounter;

    ReferenceWireGuard(byte[] staticPrivate, byte[] peerPublic, byte[] psk) {
        this.staticPrivate = staticPrivate;
        this.staticPublic = dh(staticPrivate, BASEPOINT);
        this.peerPublic = peerPublic;
        this.psk = psk == null ? new byte[32] : psk;
    }

    static byte[] hash(byte[]... parts) {
        return ReferenceBlake2s.hash(32, null, concat(parts));
    }

    static byte[] mac(byte[] key, byte[] data) {
        return ReferenceBlake2s.hash(16, key, data);
    }

    static byte[][] kdf(int n, byte[] key, byte[] input) {
        byte[] t0 = ReferenceBlake2s.hmac(key, input);
        byte[][] out = new byte[n][];
        byte[] previous = new byte[0];
        for (int i = 0; i < n; i++) {
            previous = ReferenceBlake2s.hmac(t0, concat(previous, new byte[] {(byte) (i + 1)}));
            out[i] = previous;
        }
        return out;
    }

    static byte[] dh(byte[] privateKey, byte[] publicKey) {
        try {
            KeyFactory factory = KeyFactory.getInstance("XDH");
            PrivateKey priv = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
            byte[] reversed = new byte[32];
            for (int i = 0; i < 32; i++) {
                reversed[i] = publicKey[31 - i];
            }
            reversed[0] &= 0x7f;
            PublicKey pub = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
                    new BigInteger(1, reversed)));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(priv);
            agreement.doPhase(pub, true);
            return agreement.generateSecret();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] aead(boolean encrypt, byte[] key, long counter, byte[] data, byte[] aad) {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
        cipher.init(encrypt, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
        byte[] out = new byte[cipher.getOutputSize(data.length)];
        int n = cipher.processBytes(data, 0, data.length, out, 0);
        try {
            cipher.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            return null;
        }
        return out;
    }

    private byte[] newEphemeral() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    /** Initiator: the whole first message, MAC2 zero. */
    byte[] createInitiation(byte[] timestamp) {
        chainKey = hash(CONSTRUCTION);
        hash = hash(chainKey, IDENTIFIER);
        hash = hash(hash, peerPublic);
        ephemeralPrivate = newEphemeral();
        byte[] ephemeralPublic = dh(ephemeralPrivate, BASEPOINT);
        chainKey = kdf(1, chainKey, ephemeralPublic)[0];
        hash = hash(hash, ephemeralPublic);
        byte[][] ck = kdf(2, chainKey, dh(ephemeralPrivate, peerPublic));
        chainKey = ck[0];
        byte[] encryptedStatic = aead(true, ck[1], 0, staticPublic, hash);
        hash = hash(hash, encryptedStatic);
        ck = kdf(2, chainKey, dh(staticPrivate, peerPublic));
        chainKey = ck[0];
        byte[] encryptedTimestamp = aead(true, ck[1], 0, timestamp, hash);
        hash = hash(hash, encryptedTimestamp);
        byte[] msg = concat(new byte[] {1, 0, 0, 0}, le32(localIndex), ephemeralPublic, encryptedStatic,
                encryptedTimestamp);
        byte[] mac1 = mac(hash(LABEL_MAC1, peerPublic), msg);
        return concat(msg, mac1, new byte[16]);
    }

    private static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);

    /** Initiator: consumes the response; derives the transport keys. Returns false if it does not verify. */
    boolean consumeResponse(byte[] msg) {
        if (msg.length != 92 || msg[0] != 2 || msg[1] != 0 || msg[2] != 0 || msg[3] != 0
                || getLe32(msg, 8) != localIndex) {
            return false;
        }
        if (!Arrays.equals(mac(hash(LABEL_MAC1, staticPublic), Arrays.copyOf(msg, 60)), Arrays.copyOfRange(msg, 60, 76))) {
            return false;
        }
        byte[] ephemeral = Arrays.copyOfRange(msg, 12, 44);
        chainKey = kdf(1, chainKey, ephemeral)[0];
        hash = hash(hash, ephemeral);
        chainKey = kdf(1, chainKey, dh(ephemeralPrivate, ephemeral))[0];
        chainKey = kdf(1, chainKey, dh(staticPrivate, ephemeral))[0];
        byte[][] ck = kdf(3, chainKey, psk);
        chainKey = ck[0];
        hash = hash(hash, ck[1]);
        byte[] empty = Arrays.copyOfRange(msg, 44, 60);
        if (aead(false, ck[2], 0, empty, hash) == null) {
            return false;
        }
        hash = hash(hash, empty);
        byte[][] keys = kdf(2, chainKey, new byte[0]);
        sendKey = keys[0];
        receiveKey = keys[1];
        remoteIndex = getLe32(msg, 4);
        return true;
    }

    /** Responder: consumes an initiation; returns the decrypted timestamp, or null. */
    byte[] consumeInitiation(byte[] msg) {
        if (msg.length != 148 || msg[0] != 1 || msg[1] != 0 || msg[2] != 0 || msg[3] != 0) {
            return null;
        }
        if (!Arrays.equals(mac(hash(LABEL_MAC1, staticPublic), Arrays.copyOf(msg, 116)),
                Arrays.copyOfRange(msg, 116, 132))) {
            return null;
        }
        chainKey = hash(CONSTRUCTION);
        hash = hash(chainKey, IDENTIFIER);
        hash = hash(hash, staticPublic);
        byte[] ephemeral = Arrays.copyOfRange(msg, 8, 40);
        chainKey = kdf(1, chainKey, ephemeral)[0];
        hash = hash(hash, ephemeral);
        byte[][] ck = kdf(2, chainKey, dh(staticPrivate, ephemeral));
        chainKey = ck[0];
        byte[] encryptedStatic = Arrays.copyOfRange(msg, 40, 88);
        byte[] initiatorStatic = aead(false, ck[1], 0, encryptedStatic, hash);
        if (initiatorStatic == null || !Arrays.equals(initiatorStatic, peerPublic)) {
            return null;
        }
        hash = hash(hash, encryptedStatic);
        ck = kdf(2, chainKey, dh(staticPrivate, peerPublic));
        chainKey = ck[0];
        byte[] encryptedTimestamp = Arrays.copyOfRange(msg, 88, 116);
        byte[] timestamp = aead(false, ck[1], 0, encryptedTimestamp, hash);
        if (timestamp == null) {
            return null;
        }
        hash = hash(hash, encryptedTimestamp);
        remoteIndex = getLe32(msg, 4);
        remoteEphemeral = ephemeral;
        return timestamp;
    }

    private byte[] remoteEphemeral;

    /** Responder: the response to the consumed initiation; derives the transport keys. */
    byte[] createResponse() {
        byte[] ephemeralPriv = newEphemeral();
        byte[] ephemeralPublic = dh(ephemeralPriv, BASEPOINT);
        chainKey = kdf(1, chainKey, ephemeralPublic)[0];
        hash = hash(hash, ephemeralPublic);
        chainKey = kdf(1, chainKey, dh(ephemeralPriv, remoteEphemeral))[0];
        chainKey = kdf(1, chainKey, dh(ephemeralPriv, peerPublic))[0];
        byte[][] ck = kdf(3, chainKey, psk);
        chainKey = ck[0];
        hash = hash(hash, ck[1]);
        byte[] empty = aead(true, ck[2], 0, new byte[0], hash);
        hash = hash(hash, empty);
        byte[] msg = concat(new byte[] {2, 0, 0, 0}, le32(localIndex), le32(remoteIndex), ephemeralPublic, empty);
        byte[] mac1 = mac(hash(LABEL_MAC1, peerPublic), msg);
        byte[][] keys = kdf(2, chainKey, new byte[0]);
        receiveKey = keys[0];
        sendKey = keys[1];
        return concat(msg, mac1, new byte[16]);
    }

    /** A transport message carrying {@code plaintext} (padded to 16 as WireGuard does). */
    byte[] transport(byte[] plaintext) {
        byte[] padded = Arrays.copyOf(plaintext, (plaintext.length + 15) & ~15);
        long counter = sendCounter++;
        byte[] header = concat(new byte[] {4, 0, 0, 0}, le32(remoteIndex), le64(counter));
        return concat(header, aead(true, sendKey, counter, padded, new byte[0]));
    }

    /** Decrypts a transport message addressed to us; returns the padded plaintext or null. */
    byte[] openTransport(byte[] msg) {
        if (msg.length < 32 || msg[0] != 4 || getLe32(msg, 4) != localIndex) {
            return null;
        }
        long counter = 0;
        for (int i = 0; i < 8; i++) {
            counter |= (msg[8 + i] & 0xffL) << (8 * i);
        }
        return aead(false, receiveKey, counter, Arrays.copyOfRange(msg, 16, msg.length), new byte[0]);
    }

    static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static byte[] le64(long v) {
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    static int getLe32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}

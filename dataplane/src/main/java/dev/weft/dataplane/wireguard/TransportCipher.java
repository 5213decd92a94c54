package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.ByteBufCopy;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;

/**
 * ChaCha20-Poly1305 (RFC 8439, empty associated data) for transport messages, in place on a
 * {@link ByteBuf}.
 *
 * <p>The construction is put together here from its two halves: the key stream from the JDK's
 * plain {@code ChaCha20} cipher (its AVX-512 block intrinsic), the MAC from {@link Poly1305}.
 * The JDK's own {@code ChaCha20-Poly1305} cipher can change its nonce only through
 * {@code Cipher.init}, which builds a new AEAD engine, a new MAC and a 1 KiB key-stream block
 * per packet (~2.2 KB of garbage); the plain cipher's init is a few small copies (the key, the
 * nonce and its spec, ~0.15 KB). One thread alone seals a 1420-byte packet about as fast either
 * way (1.4 µs; the JDK's MAC is faster than ours, its init slower) and a 64-byte one 2.5 times
 * as fast; in a node, where the garbage costs collections, this way carries 5–6 % more TCP and
 * 20 % more small datagrams ({@code TransportCipherBenchmark}, dataplane README).
 *
 * <p>Each thread keeps its own cipher, MAC and arrays. Block 0 of the key stream is the MAC's
 * one-time key, the data is XORed from block 1 on (RFC 8439 §2.6, §2.8). {@link #open}
 * checks the tag, in constant time, before decrypting anything, so a refused packet is left as
 * it was. The JDK refuses to encrypt twice with one key and nonce, which the strictly
 * increasing counter never does. Heap buffers are processed in place, direct buffers through a
 * per-thread scratch array (copied through the buffer's cached NIO view: {@code getBytes} on an
 * unpooled direct buffer duplicates a {@code ByteBuffer} per call when Netty does not use
 * Unsafe).
 */
final class TransportCipher {
    static final int TAG_SIZE = Poly1305.TAG_SIZE;
    private static final int SCRATCH_SIZE = 65536 + 64;

    private static final class PerThread {
        final Cipher chacha;
        final Poly1305 poly;
        final byte[] nonce = new byte[12];
        final byte[] zeros = new byte[64];
        final byte[] oneTimeKey = new byte[64];
        final byte[] tag = new byte[TAG_SIZE];
        final byte[] scratch = new byte[SCRATCH_SIZE];

        PerThread(LaneWarmUp warmUp) {
            poly = new Poly1305(warmUp);
            try {
                chacha = Cipher.getInstance("ChaCha20");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ChaCha20 unavailable", e);
            }
        }

        /** Keys the stream for this packet and takes block 0 as the MAC's key; false once the key is destroyed. */
        boolean start(ChaChaKey key, long counter, int mode) {
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (counter >>> (8 * i));
            }
            try {
                chacha.init(mode, key, new ChaCha20ParameterSpec(nonce, 0));
                chacha.update(zeros, 0, 64, oneTimeKey, 0);
                return true;
            } catch (GeneralSecurityException | IllegalStateException e) {
                return false;
            }
        }

        void xor(byte[] data, int at, int length) throws GeneralSecurityException {
            if (length > 0) {
                chacha.update(data, at, length, data, at);
            }
        }

        void end() {
            Arrays.fill(oneTimeKey, (byte) 0);
        }
    }

    private final ThreadLocal<PerThread> perThread;
    private final LaneWarmUp warmUp;

    /** With Poly1305's vector lanes once bulk traffic has warmed them up, where the JVM has them. */
    TransportCipher() {
        this(LaneWarmUp.onDemand());
    }

    /** With the lanes once {@code warmUp} is ready ({@link LaneWarmUp#never}: the scalar MAC alone). */
    TransportCipher(LaneWarmUp warmUp) {
        this.warmUp = warmUp;
        perThread = ThreadLocal.withInitial(() -> new PerThread(warmUp));
    }

    /** {@link WireGuardDevice#poly1305}. */
    String poly1305() {
        return warmUp.describe();
    }

    /**
     * Encrypts {@code buf[offset, offset+length)} in place and writes the 16-byte tag after it.
     * Returns false when the key has been destroyed meanwhile (nothing sensible was written).
     */
    boolean seal(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
        if (length + TAG_SIZE > SCRATCH_SIZE) {
            return false;
        }
        PerThread t = perThread.get();
        if (!t.start(key, counter, Cipher.ENCRYPT_MODE)) {
            return false;
        }
        try {
            if (buf.hasArray()) {
                byte[] array = buf.array();
                int at = buf.arrayOffset() + offset;
                t.xor(array, at, length);
                t.poly.aeadTag(t.oneTimeKey, array, at, length, array, at + length);
            } else {
                ByteBuffer nio = ByteBufCopy.view(buf, offset, length + TAG_SIZE);
                int at = nio.position();
                nio.get(at, t.scratch, 0, length);
                t.xor(t.scratch, 0, length);
                t.poly.aeadTag(t.oneTimeKey, t.scratch, 0, length, t.scratch, length);
                nio.put(at, t.scratch, 0, length + TAG_SIZE);
            }
            return true;
        } catch (GeneralSecurityException | IllegalStateException e) {
            return false;
        } finally {
            t.end();
        }
    }

    /**
     * Authenticates and decrypts {@code buf[offset, offset+length)} (ciphertext and tag) in place.
     * Returns the plaintext length, or -1 when authentication fails.
     */
    int open(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
        if (length < TAG_SIZE || length > SCRATCH_SIZE) {
            return -1;
        }
        PerThread t = perThread.get();
        if (!t.start(key, counter, Cipher.DECRYPT_MODE)) {
            return -1;
        }
        int n = length - TAG_SIZE;
        try {
            if (buf.hasArray()) {
                byte[] array = buf.array();
                int at = buf.arrayOffset() + offset;
                if (!authentic(t, array, at, n)) {
                    return -1;
                }
                t.xor(array, at, n);
                return n;
            }
            ByteBuffer nio = ByteBufCopy.view(buf, offset, length);
            int at = nio.position();
            nio.get(at, t.scratch, 0, length);
            if (!authentic(t, t.scratch, 0, n)) {
                return -1;
            }
            t.xor(t.scratch, 0, n);
            nio.put(at, t.scratch, 0, n);
            return n;
        } catch (GeneralSecurityException | IllegalStateException e) {
            return -1;
        } finally {
            t.end();
        }
    }

    /** Whether the tag after {@code data[at, at+n)} is the one its key gives, compared in constant time. */
    private static boolean authentic(PerThread t, byte[] data, int at, int n) {
        t.poly.aeadTag(t.oneTimeKey, data, at, n, t.tag, 0);
        int difference = 0;
        for (int i = 0; i < TAG_SIZE; i++) {
            difference |= t.tag[i] ^ data[at + n + i];
        }
        return difference == 0;
    }
}

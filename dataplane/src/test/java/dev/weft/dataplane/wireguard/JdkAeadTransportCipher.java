package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.ByteBufCopy;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * The transport cipher weft used until 2026-12-02, kept for {@link TransportCipherBenchmark}
 * (test code): the JDK's ChaCha20-Poly1305 through {@code javax.crypto}, one {@code Cipher.init}
 * per packet. That init builds a new AEAD engine, a new Poly1305 and a 1 KiB key-stream block
 * (~2.2 KB per packet) only to change the nonce, which made it slower than {@link TransportCipher}
 * for packets up to a few KiB; it stays faster for 64 KiB (the JDK's Poly1305 intrinsic).
 */
final class JdkAeadTransportCipher implements TransportAead {
    static final int TAG_SIZE = 16;
    private static final int SCRATCH_SIZE = 65536 + 64;

    private static final class PerThread {
        final Cipher cipher;
        final byte[] nonce = new byte[12];
        final byte[] scratch = new byte[SCRATCH_SIZE];

        PerThread() {
            try {
                cipher = Cipher.getInstance("ChaCha20-Poly1305");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ChaCha20-Poly1305 unavailable", e);
            }
        }
    }

    private final ThreadLocal<PerThread> perThread = ThreadLocal.withInitial(PerThread::new);

    /**
     * Encrypts {@code buf[offset, offset+length)} in place and writes the 16-byte tag after it.
     * Returns false when the key has been destroyed meanwhile (nothing sensible was written).
     */
    public boolean seal(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
        PerThread t = perThread.get();
        if (length + TAG_SIZE > SCRATCH_SIZE) {
            return false;
        }
        try {
            t.cipher.init(Cipher.ENCRYPT_MODE, key, nonce(t.nonce, counter));
            if (buf.hasArray()) {
                byte[] array = buf.array();
                int at = buf.arrayOffset() + offset;
                t.cipher.doFinal(array, at, length, array, at);
            } else {
                ByteBuffer nio = ByteBufCopy.view(buf, offset, length + TAG_SIZE);
                int at = nio.position();
                nio.get(at, t.scratch, 0, length);
                int n = t.cipher.doFinal(t.scratch, 0, length, t.scratch, 0);
                nio.put(at, t.scratch, 0, n);
            }
            return true;
        } catch (GeneralSecurityException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * Authenticates and decrypts {@code buf[offset, offset+length)} (ciphertext and tag) in place.
     * Returns the plaintext length, or -1 when authentication fails.
     */
    public int open(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
        if (length < TAG_SIZE || length > SCRATCH_SIZE) {
            return -1;
        }
        PerThread t = perThread.get();
        try {
            t.cipher.init(Cipher.DECRYPT_MODE, key, nonce(t.nonce, counter));
            if (buf.hasArray()) {
                byte[] array = buf.array();
                int at = buf.arrayOffset() + offset;
                return t.cipher.doFinal(array, at, length, array, at);
            }
            ByteBuffer nio = ByteBufCopy.view(buf, offset, length);
            int at = nio.position();
            nio.get(at, t.scratch, 0, length);
            int n = t.cipher.doFinal(t.scratch, 0, length, t.scratch, 0);
            nio.put(at, t.scratch, 0, n);
            return n;
        } catch (GeneralSecurityException | IllegalStateException e) {
            return -1;
        }
    }

    private static IvParameterSpec nonce(byte[] nonce, long counter) {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        return new IvParameterSpec(nonce);
    }
}

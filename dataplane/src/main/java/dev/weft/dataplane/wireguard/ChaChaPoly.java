package dev.weft.dataplane.wireguard;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) on the JDK's intrinsic implementation, with WireGuard's
 * nonce: 32 zero bits then a 64-bit little-endian counter. One {@link Cipher} per thread
 * (a {@code ThreadLocal} owned by this instance); it is re-initialised per message, since
 * the nonce changes per message.
 */
final class ChaChaPoly {

    static final int TAG_SIZE = 16;

    /** Largest UDP payload plus room for a tag. */
    private static final int SCRATCH_SIZE = 65536 + TAG_SIZE;

    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(ChaChaPoly::newCipher);
    /**
     * Per-thread heap scratch for direct buffers: the JDK cipher works on arrays without
     * copying, while for direct buffers it allocates a temporary array per call. Copying
     * through our own scratch is cheaper and allocation-free.
     */
    private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[SCRATCH_SIZE]);

    /**
     * Seals {@code length} bytes at {@code offset} of {@code buf} in place, writing the tag
     * right after them (the caller guarantees room).
     */
    void sealInPlace(SecretKey key, long counter, io.netty.buffer.ByteBuf buf, int offset, int length) {
        if (buf.hasArray()) {
            byte[] array = buf.array();
            int base = buf.arrayOffset() + offset;
            sealTransport(key, counter, array, base, length, array, base);
            return;
        }
        byte[] work = scratch.get();
        buf.getBytes(offset, work, 0, length);
        int written = sealTransport(key, counter, work, 0, length, work, 0);
        buf.setBytes(offset, work, 0, written);
    }

    /**
     * Opens ciphertext || tag of {@code length} bytes at {@code offset} of {@code buf} in
     * place; returns the plaintext length, or -1 if it does not authenticate.
     */
    int openInPlace(SecretKey key, long counter, io.netty.buffer.ByteBuf buf, int offset, int length) {
        if (length < TAG_SIZE || length > SCRATCH_SIZE) {
            return -1;
        }
        if (buf.hasArray()) {
            byte[] array = buf.array();
            int base = buf.arrayOffset() + offset;
            return openTransport(key, counter, array, base, length, array, base);
        }
        byte[] work = scratch.get();
        buf.getBytes(offset, work, 0, length);
        int plain = openTransport(key, counter, work, 0, length, work, 0);
        if (plain > 0) {
            buf.setBytes(offset, work, 0, plain);
        }
        return plain;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("ChaCha20-Poly1305");
        } catch (java.security.NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("the JDK lacks ChaCha20-Poly1305", e);
        }
    }

    static IvParameterSpec nonce(long counter) {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        return new IvParameterSpec(nonce);
    }

    /** Seals {@code plaintext} with AD {@code aad}; returns ciphertext || tag. */
    byte[] seal(SecretKey key, long counter, byte[] plaintext, byte[] aad) {
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce(counter));
            if (aad != null) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
    }

    /** Opens {@code length} bytes of ciphertext || tag; returns the plaintext or null if not authentic. */
    byte[] open(SecretKey key, long counter, byte[] data, int offset, int length, byte[] aad) {
        if (length < TAG_SIZE) {
            return null;
        }
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key, nonce(counter));
            if (aad != null) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(data, offset, length);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 open failed", e);
        }
    }

    /**
     * Encrypts {@code length} bytes of {@code in} into {@code out} (ciphertext then tag);
     * both are positioned views and may share memory at the same offset. Returns bytes written.
     */
    int sealTransport(SecretKey key, long counter, ByteBuffer in, ByteBuffer out) {
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce(counter));
            return cipher.doFinal(in, out);
        } catch (InvalidKeyException | InvalidAlgorithmParameterException | ShortBufferException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
    }

    /** Array variant of {@link #sealTransport(SecretKey, long, ByteBuffer, ByteBuffer)}. */
    int sealTransport(SecretKey key, long counter, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce(counter));
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
    }

    /** Decrypts ciphertext || tag from {@code in} into {@code out}; returns plaintext length or -1 if not authentic. */
    int openTransport(SecretKey key, long counter, ByteBuffer in, ByteBuffer out) {
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key, nonce(counter));
            return cipher.doFinal(in, out);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 open failed", e);
        }
    }

    /** Array variant of {@link #openTransport(SecretKey, long, ByteBuffer, ByteBuffer)}. */
    int openTransport(SecretKey key, long counter, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key, nonce(counter));
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 open failed", e);
        }
    }
}

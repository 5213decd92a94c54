package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The allocation-free candidate measured against {@link TransportCipher} by
 * {@link TransportCipherBenchmark} (test code: it lost, see the dataplane README): the same
 * ChaCha20-Poly1305 (RFC 8439, empty associated data) with BouncyCastle's ChaCha7539 engine and
 * Poly1305 used directly, in place, allocating nothing per packet. Each thread keeps one engine,
 * one MAC and one set of parameter objects whose arrays are refilled per packet
 * (BouncyCastle's parameter objects hand out their arrays). Key bytes copied for a packet are
 * wiped after it.
 */
final class BcTransportCipher implements TransportAead {
    static final int TAG_SIZE = 16;
    private static final int SCRATCH_SIZE = 65536 + 64;
    private static final byte[] ZERO_BLOCK = new byte[64];

    private static final class PerThread {
        final ChaCha7539Engine chacha = new ChaCha7539Engine();
        final Poly1305 poly = new Poly1305();
        final KeyParameter key = new KeyParameter(new byte[32]);
        final ParametersWithIV keyAndNonce = new ParametersWithIV(key, new byte[12]);
        final KeyParameter polyKey = new KeyParameter(new byte[32]);
        final byte[] block = new byte[64];
        final byte[] tail = new byte[16];
        final byte[] tag = new byte[TAG_SIZE];
        final byte[] scratch = new byte[SCRATCH_SIZE];
    }

    private final ThreadLocal<PerThread> perThread = ThreadLocal.withInitial(PerThread::new);

    /**
     * Encrypts {@code buf[offset, offset+length)} in place and writes the 16-byte tag after it.
     * Returns false when the key has been destroyed meanwhile.
     */
    public boolean seal(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
        if (length + TAG_SIZE > SCRATCH_SIZE) {
            return false;
        }
        PerThread t = perThread.get();
        if (!start(t, key, counter)) {
            return false;
        }
        if (buf.hasArray()) {
            int at = buf.arrayOffset() + offset;
            sealArray(t, buf.array(), at, length);
        } else {
            // Through the buffer's cached NIO view: ByteBuf.getBytes on an unpooled direct
            // buffer duplicates a ByteBuffer per call when Netty does not use Unsafe.
            java.nio.ByteBuffer nio = buf.internalNioBuffer(offset, length + TAG_SIZE);
            int at = nio.position();
            nio.get(at, t.scratch, 0, length);
            sealArray(t, t.scratch, 0, length);
            nio.put(at, t.scratch, 0, length + TAG_SIZE);
        }
        return true;
    }

    /**
     * Authenticates and decrypts {@code buf[offset, offset+length)} (ciphertext and tag) in
     * place. Returns the plaintext length, or -1 when authentication fails (nothing decrypted).
     */
    public int open(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
        if (length < TAG_SIZE || length > SCRATCH_SIZE) {
            return -1;
        }
        PerThread t = perThread.get();
        if (!start(t, key, counter)) {
            return -1;
        }
        int plain = length - TAG_SIZE;
        if (buf.hasArray()) {
            int at = buf.arrayOffset() + offset;
            return openArray(t, buf.array(), at, plain) ? plain : -1;
        }
        java.nio.ByteBuffer nio = buf.internalNioBuffer(offset, length);
        int at = nio.position();
        nio.get(at, t.scratch, 0, length);
        if (!openArray(t, t.scratch, 0, plain)) {
            return -1;
        }
        nio.put(at, t.scratch, 0, plain);
        return plain;
    }

    /** Keys the engine with the packet's nonce and the MAC with the one-time key (block 0). */
    private static boolean start(PerThread t, ChaChaKey key, long counter) {
        byte[] k = t.key.getKey();
        if (!key.copyTo(k)) {
            return false;
        }
        byte[] nonce = t.keyAndNonce.getIV();
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        t.chacha.init(true, t.keyAndNonce);
        Arrays.fill(k, (byte) 0);
        t.chacha.processBytes(ZERO_BLOCK, 0, 64, t.block, 0); // block 0; data starts at counter 1
        System.arraycopy(t.block, 0, t.polyKey.getKey(), 0, 32);
        t.poly.init(t.polyKey);
        Arrays.fill(t.block, (byte) 0);
        Arrays.fill(t.polyKey.getKey(), (byte) 0);
        return true;
    }

    private static void sealArray(PerThread t, byte[] a, int at, int length) {
        t.chacha.processBytes(a, at, length, a, at);
        mac(t, a, at, length);
        t.poly.doFinal(a, at + length);
    }

    private static boolean openArray(PerThread t, byte[] a, int at, int plain) {
        mac(t, a, at, plain);
        t.poly.doFinal(t.tag, 0);
        if (!org.bouncycastle.util.Arrays.constantTimeAreEqual(TAG_SIZE, t.tag, 0, a, at + plain)) {
            return false;
        }
        t.chacha.processBytes(a, at, plain, a, at);
        return true;
    }

    /** Poly1305 over the ciphertext padded to 16, then le64(aad length = 0) and le64(length). */
    private static void mac(PerThread t, byte[] a, int at, int length) {
        t.poly.update(a, at, length);
        int pad = (16 - (length & 15)) & 15;
        if (pad > 0) {
            t.poly.update(ZERO_BLOCK, 0, pad);
        }
        byte[] tail = t.tail;
        Arrays.fill(tail, (byte) 0);
        long len = length;
        for (int i = 0; i < 8; i++) {
            tail[8 + i] = (byte) (len >>> (8 * i));
        }
        t.poly.update(tail, 0, 16);
    }
}

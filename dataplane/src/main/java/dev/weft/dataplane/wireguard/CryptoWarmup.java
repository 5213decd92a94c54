package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.SecureRandom;

/**
 * Seals and opens throw-away packets on a background thread while a node starts, so that the
 * JIT has compiled the transport cipher (C2, the only tier with ChaCha20's intrinsic and fast
 * 64-bit products for {@link Poly1305}) before the first real packets need it. Without this the
 * first seconds of traffic ran through interpreted and C1 code at a fraction of the speed.
 *
 * <p>The key is random and destroyed afterwards; nothing leaves the thread. It runs the same
 * class on the same kind of buffers (pooled direct) as the packet path, so the profiles it
 * leaves are the ones real traffic would have made.
 */
public final class CryptoWarmup {
    /** Enough for C2 to compile the cipher and the MAC: a few tens of milliseconds once compiled. */
    static final int PACKETS = 20_000;
    private static final int LENGTH = 1420;

    private CryptoWarmup() {
    }

    /** Starts the warm-up on a daemon thread and returns it. */
    public static Thread start(ByteBufAllocator allocator) {
        Thread thread = new Thread(() -> run(allocator, PACKETS), "weft-crypto-warmup");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Seals and opens {@code packets} packets of an MTU in one pooled direct buffer; true if every one round-tripped. */
    static boolean run(ByteBufAllocator allocator, int packets) {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        ChaChaKey key = new ChaChaKey(raw);
        java.util.Arrays.fill(raw, (byte) 0);
        TransportCipher cipher = new TransportCipher();
        ByteBuf buf = allocator.directBuffer(LENGTH + 64);
        boolean ok = true;
        try {
            buf.setZero(0, buf.capacity());
            for (int counter = 0; counter < packets; counter++) {
                ok &= cipher.seal(key, counter, buf, 16, LENGTH);
                ok &= cipher.open(key, counter, buf, 16, LENGTH + TransportCipher.TAG_SIZE) == LENGTH;
            }
        } finally {
            buf.release();
            key.destroy();
        }
        return ok;
    }
}

package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Transport encryption and decryption of one packet in place, per implementation, packet size
 * and buffer kind (JMH; run with {@code scripts/bench-crypto}, not a test). {@code weft} is
 * {@link TransportCipher} (the JDK's plain ChaCha20 and {@link Poly1305}), {@code jdk-aead} the
 * one it replaced, {@link JdkAeadTransportCipher} (the JDK's ChaCha20-Poly1305 through
 * {@code javax.crypto}, {@code Cipher.init} per packet), {@code bc} the allocation-free
 * {@link BcTransportCipher} (BouncyCastle's ChaCha7539 engine and Poly1305 used directly). {@code open} restores the sealed
 * bytes before each decryption (a copy of the packet, the same for every implementation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TransportCipherBenchmark {
    @Param({"weft", "weft-scalar", "jdk-aead", "bc"})
    public String impl;

    @Param({"64", "1420", "65536"})
    public int size;

    @Param({"heap", "direct"})
    public String buffer;

    private static final int OFFSET = 16;

    private TransportAead aead;
    private ChaChaKey key;
    private ByteBuf buf;
    private byte[] sealed;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() {
        aead = TransportAead.of(impl);
        byte[] k = new byte[32];
        new java.util.Random(1).nextBytes(k);
        key = new ChaChaKey(k);
        int capacity = OFFSET + size + 16;
        buf = buffer.equals("direct") ? Unpooled.directBuffer(capacity, capacity) : Unpooled.buffer(capacity, capacity);
        buf.setZero(0, capacity);
        if (!aead.seal(key, 0, buf, OFFSET, size)) {
            throw new IllegalStateException("seal failed");
        }
        sealed = new byte[size + 16];
        buf.getBytes(OFFSET, sealed);
        counter = 1;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        buf.release();
    }

    @Benchmark
    public boolean seal() {
        return aead.seal(key, counter++, buf, OFFSET, size);
    }

    @Benchmark
    public int open() {
        buf.setBytes(OFFSET, sealed);
        int n = aead.open(key, 0, buf, OFFSET, size + 16);
        if (n != size) {
            throw new IllegalStateException("open failed");
        }
        return n;
    }
}

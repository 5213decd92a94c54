package dev.weft.dataplane.tun;

import dev.weft.dataplane.ByteBufCopy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Internet checksum of one range of a pooled direct buffer, as the GSO splitter and the TCP
 * coalescer take it for every segment (JMH; {@code scripts/bench-crypto --checksums}, not a test).
 * {@code weft} is {@link Checksums#add}; {@code one-sum} the loop it replaced (one sum, every add
 * chained to the one before, of words read big-endian), kept here to show what the change is worth.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChecksumBenchmark {
    @Param({"weft", "one-sum"})
    public String impl;

    /** An IPv4 header, an MTU-sized segment, a GSO super-packet. */
    @Param({"20", "1400", "65000"})
    public int size;

    private ByteBuf buf;
    private boolean weft;

    @Setup
    public void setUp() {
        buf = PooledByteBufAllocator.DEFAULT.directBuffer(65_536);
        byte[] data = new byte[65_536];
        new Random(1).nextBytes(data);
        buf.writeBytes(data);
        weft = impl.equals("weft");
        if (Checksums.finish(Checksums.add(0, buf, 14, size)) != Checksums.finish(oneSum(0, buf, 14, size))) {
            throw new IllegalStateException("the two sums differ");
        }
    }

    @TearDown
    public void tearDown() {
        buf.release();
    }

    @Benchmark
    public int checksum() {
        return Checksums.finish(weft ? Checksums.add(0, buf, 14, size) : oneSum(0, buf, 14, size));
    }

    private static long oneSum(long sum, ByteBuf buf, int at, int length) {
        ByteBuffer b = ByteBufCopy.view(buf, at, length);
        int i = b.position();
        int end = i + length;
        for (; i + 8 <= end; i += 8) {
            long v = b.getLong(i);
            sum += (v >>> 32) + (v & 0xffffffffL);
        }
        for (; i + 2 <= end; i += 2) {
            sum += b.getShort(i) & 0xffff;
        }
        if (i < end) {
            sum += (b.get(i) & 0xff) << 8;
        }
        return sum;
    }
}

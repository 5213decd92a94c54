package dev.weft.dataplane.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;

/** A {@link GsoBatcher} whose output only counts and releases, for measurements from other packages. */
public final class GsoBatcherProbe {
    private long runs;
    private final GsoBatcher batcher = new GsoBatcher(PooledByteBufAllocator.DEFAULT, (content, size, to) -> {
        if (size > 0) {
            runs++;
        }
        content.release();
    });

    public void add(ByteBuf datagram, InetSocketAddress to) {
        batcher.add(datagram, to);
    }

    public void flush() {
        batcher.flush();
    }

    public long runs() {
        return runs;
    }
}

package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The benchmark's allocation-free candidate: the same bytes as the JDK, and truly no allocation. */
class BcTransportCipherTest extends TransportCipherTest {
    @Override
    Cipher implementation() {
        BcTransportCipher c = new BcTransportCipher();
        return new Cipher() {
            public boolean seal(ChaChaKey k, long n, ByteBuf b, int o, int l) {
                return c.seal(k, n, b, o, l);
            }

            public int open(ChaChaKey k, long n, ByteBuf b, int o, int l) {
                return c.open(k, n, b, o, l);
            }
        };
    }

    @Test
    void allocatesNothingPerPacket() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ChaChaKey key = new ChaChaKey(new byte[32]);
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuf buf = direct ? Unpooled.directBuffer(1500) : Unpooled.buffer(1500);
            long counter = 0;
            int packets = 20_000;
            long perPacket = Long.MAX_VALUE;
            // The best of a few rounds: the first ones may see compilation (deoptimization
            // and OSR transitions allocate on the running thread), the steady state nothing.
            for (int round = 0; round < 5; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < packets; i++) {
                    cipher.seal(key, counter, buf, 16, 1420);
                    cipher.open(key, counter++, buf, 16, 1436);
                }
                perPacket = Math.min(perPacket, (threads.getCurrentThreadAllocatedBytes() - before) / packets);
            }
            assertEquals(0, perPacket, (direct ? "direct" : "heap") + ": bytes allocated per sealed and opened packet");
            buf.release();
        }
    }
}

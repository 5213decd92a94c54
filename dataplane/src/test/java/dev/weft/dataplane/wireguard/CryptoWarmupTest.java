package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class CryptoWarmupTest {
    @Test
    void everyThrowAwayPacketRoundTripsAndItsBufferIsReleased() throws InterruptedException {
        UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);
        assertTrue(CryptoWarmup.run(allocator, 500), "every packet sealed and opened");
        assertEquals(0, allocator.metric().usedDirectMemory(), "the warm-up's buffer is released");
        Thread thread = CryptoWarmup.start(allocator);
        assertTrue(thread.isDaemon(), "a warm-up never keeps a stopping node alive");
        thread.join(60_000);
        assertFalse(thread.isAlive());
        assertEquals(0, allocator.metric().usedDirectMemory());
    }
}

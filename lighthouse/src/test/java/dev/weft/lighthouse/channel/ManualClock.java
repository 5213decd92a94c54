package dev.weft.lighthouse.channel;

import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand. */
public final class ManualClock implements ChannelClock {
    final AtomicLong wall;
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    public ManualClock(long wallMillis) {
        this.wall = new AtomicLong(wallMillis);
    }

    public void advanceMillis(long ms) {
        wall.addAndGet(ms);
        nanos.addAndGet(ms * 1_000_000L);
    }

    @Override
    public long wallMillis() {
        return wall.get();
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }
}

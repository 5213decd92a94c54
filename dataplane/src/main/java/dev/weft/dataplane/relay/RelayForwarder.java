package dev.weft.dataplane.relay;

import io.netty.buffer.ByteBuf;
import io.netty.util.collection.LongObjectHashMap;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The relay role: forwards frames between the two addresses of a binding, unchanged. A frame
 * from exactly {@code a} goes to {@code b} and vice versa; from anyone else, or over the
 * binding's byte rate, it is dropped and counted. The relay never sees plaintext: frames carry
 * WireGuard ciphertext it has no keys for.
 *
 * <p>Threads: {@link #offer} runs on the socket's event loop and allocates nothing (a lookup in
 * an immutable primitive map behind a volatile reference); bindings change rarely, from any
 * thread, by copying the map. At most {@code maxBindings} exist.
 */
public final class RelayForwarder {
    /** Returned by {@link #lastUsedNanos} for an unknown id. */
    public static final long UNKNOWN = Long.MIN_VALUE;
    /** The smallest burst a binding allows, so that one full-size datagram always fits. */
    static final long MIN_BURST = 2048;

    private final int maxBindings;
    private final FrameSender out;
    private final LongSupplier nanoClock;
    private volatile LongObjectHashMap<Binding> bindings = new LongObjectHashMap<>();
    private final Object writeLock = new Object();

    private final LongAdder framesForwarded = new LongAdder();
    private final LongAdder bytesForwarded = new LongAdder();
    private final LongAdder droppedUnknownId = new LongAdder();
    private final LongAdder droppedWrongSource = new LongAdder();
    private final LongAdder droppedRate = new LongAdder();

    /** Counters; {@code droppedUnknownId} counts only what {@link #receive} saw. */
    public record Counters(long framesForwarded, long bytesForwarded, long droppedUnknownId,
                           long droppedWrongSource, long droppedRate) {
    }

    /**
     * @param maxBindings how many bindings may exist at once
     * @param out where forwarded frames go (the node's socket)
     * @param nanoClock monotonic time for rate limits and {@link #lastUsedNanos}
     */
    public RelayForwarder(int maxBindings, FrameSender out, LongSupplier nanoClock) {
        if (maxBindings < 1) {
            throw new IllegalArgumentException("maxBindings must be at least 1: " + maxBindings);
        }
        this.maxBindings = maxBindings;
        this.out = Objects.requireNonNull(out, "out");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Binds {@code id} to the pair {@code a}, {@code b} with a byte rate (per direction taken
     * together; the burst is one second's worth, at least {@value #MIN_BURST} bytes). An existing
     * binding with this id gets the new addresses and keeps its rate. False when the table is full.
     */
    public boolean bind(long id, InetSocketAddress a, InetSocketAddress b, long bytesPerSecond) {
        checkPair(a, b);
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
        }
        synchronized (writeLock) {
            Binding existing = bindings.get(id);
            if (existing != null) {
                existing.move(a, b, nanoClock.getAsLong());
                return true;
            }
            if (bindings.size() >= maxBindings) {
                return false;
            }
            LongObjectHashMap<Binding> copy = copy(bindings);
            copy.put(id, new Binding(a, b, bytesPerSecond, nanoClock.getAsLong()));
            bindings = copy;
            return true;
        }
    }

    /** New addresses for a binding (a member's NAT mapping changed). False for an unknown id. */
    public boolean update(long id, InetSocketAddress a, InetSocketAddress b) {
        checkPair(a, b);
        Binding binding = bindings.get(id);
        if (binding == null) {
            return false;
        }
        binding.move(a, b, nanoClock.getAsLong());
        return true;
    }

    /** Removes a binding; false when there was none. */
    public boolean unbind(long id) {
        synchronized (writeLock) {
            if (!bindings.containsKey(id)) {
                return false;
            }
            LongObjectHashMap<Binding> copy = copy(bindings);
            copy.remove(id);
            bindings = copy;
            return true;
        }
    }

    /** When the binding last forwarded a frame (or was made, or bound again); {@link #UNKNOWN} for none. */
    public long lastUsedNanos(long id) {
        Binding binding = bindings.get(id);
        return binding == null ? UNKNOWN : binding.lastUsed;
    }

    /** Whether {@code id} is bound. */
    public boolean isBound(long id) {
        return bindings.containsKey(id);
    }

    public int bindings() {
        return bindings.size();
    }

    public int maxBindings() {
        return maxBindings;
    }

    public Counters counters() {
        return new Counters(framesForwarded.sum(), bytesForwarded.sum(), droppedUnknownId.sum(),
                droppedWrongSource.sum(), droppedRate.sum());
    }

    /** A frame from the socket, for the relay role only: unknown ids are dropped and counted here. Takes ownership. */
    public void receive(ByteBuf frame, InetSocketAddress from) {
        if (!RelayFrame.wellFormed(frame) || !offer(frame, from)) {
            droppedUnknownId.increment();
            frame.release();
        }
    }

    /**
     * Forwards or drops a well-formed frame whose id is bound (then takes ownership and returns
     * true); returns false and leaves the frame with the caller when the id is not bound.
     */
    boolean offer(ByteBuf frame, InetSocketAddress from) {
        Binding binding = bindings.get(RelayFrame.id(frame));
        if (binding == null) {
            return false;
        }
        InetSocketAddress to;
        Pair pair = binding.pair;
        if (from.equals(pair.a())) {
            to = pair.b();
        } else if (from.equals(pair.b())) {
            to = pair.a();
        } else {
            droppedWrongSource.increment();
            frame.release();
            return true;
        }
        int size = frame.readableBytes();
        long now = nanoClock.getAsLong();
        if (!binding.take(size, now)) {
            droppedRate.increment();
            frame.release();
            return true;
        }
        binding.lastUsed = now;
        framesForwarded.increment();
        bytesForwarded.add(size);
        out.send(frame, to);
        return true;
    }

    private static void checkPair(InetSocketAddress a, InetSocketAddress b) {
        if (a == null || b == null || a.isUnresolved() || b.isUnresolved()) {
            throw new IllegalArgumentException("a binding joins two resolved addresses: " + a + ", " + b);
        }
        if (a.equals(b)) {
            throw new IllegalArgumentException("a binding joins two different addresses, not " + a + " twice");
        }
    }

    private static LongObjectHashMap<Binding> copy(LongObjectHashMap<Binding> from) {
        LongObjectHashMap<Binding> copy = new LongObjectHashMap<>(Math.max(8, from.size() * 2));
        for (LongObjectHashMap.PrimitiveEntry<Binding> e : from.entries()) {
            copy.put(e.key(), e.value());
        }
        return copy;
    }

    private record Pair(InetSocketAddress a, InetSocketAddress b) {
    }

    /** One binding: its two addresses (one value, so that they move together) and a token bucket of bytes. */
    private static final class Binding {
        volatile Pair pair;
        volatile long lastUsed;
        private final double perNano;
        private final double burst;
        private double tokens;
        private long last;

        Binding(InetSocketAddress a, InetSocketAddress b, long bytesPerSecond, long now) {
            this.pair = new Pair(a, b);
            this.perNano = bytesPerSecond / 1e9;
            this.burst = Math.max(bytesPerSecond, MIN_BURST);
            this.tokens = burst;
            this.last = now;
            this.lastUsed = now;
        }

        void move(InetSocketAddress a, InetSocketAddress b, long now) {
            pair = new Pair(a, b);
            lastUsed = now;
        }

        synchronized boolean take(int bytes, long now) {
            if (now > last) {
                tokens = Math.min(burst, tokens + (now - last) * perNano);
                last = now;
            }
            if (tokens >= bytes) {
                tokens -= bytes;
                return true;
            }
            return false;
        }
    }
}

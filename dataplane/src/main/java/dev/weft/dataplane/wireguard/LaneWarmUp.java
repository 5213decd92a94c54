package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.tun.Native;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs Poly1305's vector lanes off the packet path until the JIT has compiled them, and says
 * when they are worth using: the packet path takes the scalar MAC until then.
 *
 * <p>Why: until C2 compiles it, vector code runs without its intrinsics, one object per vector
 * operation: a 1420-byte packet's MAC takes ~300 µs instead of ~0.4 µs, and the first ~5,000
 * calls cost about half a second of a core (and C2 as much again). On the event loop that was a
 * node's first second of traffic (0.03 Gb/s against 0.4). Here a thread of its own spends that
 * time and compares the lanes with the scalar MAC on the same packet; they are used from the
 * third comparison in a row that they win by a fifth or more.
 *
 * <p>It starts only once the packet path has asked for {@link #BULK_MESSAGES} MACs long enough
 * for the lanes ({@link #noteColdMessage}): a node that carries pings and control traffic never
 * pays for it, and many nodes starting at once on few cores (the namespace tests) do not compete
 * with it for their handshakes. It runs at nice 19, on what the rest leaves idle. Where C2 will never compile the lanes (an interpreted JVM, or C1
 * alone: {@code -XX:TieredStopAtLevel=1}) it never starts, and where they still lose after
 * {@link #MAX_ROUNDS} rounds the scalar MAC stays.
 */
final class LaneWarmUp {
    /** MACs of lane-sized messages after which bulk traffic is taken to be flowing: a few ms of it. */
    static final int BULK_MESSAGES = 2_000;
    static final int MAX_ROUNDS = 1_000;
    private static final int PACKET = 1420;
    private static final int CALLS_PER_ROUND = 64;
    private static final int WINS_NEEDED = 3;

    private final boolean possible;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean ready;
    private volatile boolean finished;

    private LaneWarmUp(boolean possible) {
        this.possible = possible;
        this.finished = !possible;
    }

    /** One that starts when bulk traffic asks for it, where the JVM can compile the lanes. */
    static LaneWarmUp onDemand() {
        return new LaneWarmUp(Poly1305.lanesAvailable() && compilesVectors(System.getProperty("java.vm.info", "")));
    }

    /** One that is finished and never ready: the scalar MAC alone (benchmarks compare the two). */
    static LaneWarmUp never() {
        return new LaneWarmUp(false);
    }

    /** One that is finished and ready where the JVM has lanes: the lanes from the first packet on (tests). */
    static LaneWarmUp skipped() {
        LaneWarmUp warmUp = never();
        warmUp.ready = Poly1305.lanesAvailable();
        return warmUp;
    }

    /** Whether a JVM that describes itself so ({@code java.vm.info}) has C2, the compiler of the vector intrinsics. */
    static boolean compilesVectors(String vmInfo) {
        return !vmInfo.contains("interpreted mode") && !vmInfo.contains("emulated-client");
    }

    /** Whether the packet path should use the lanes now. */
    boolean ready() {
        return ready;
    }

    /** Whether the warm-up is over (or will never run), ready or not. */
    boolean finished() {
        return finished;
    }

    /** {@code lanes}, {@code warming_up}, {@code cold} (waiting for bulk traffic) or {@code scalar}. */
    String describe() {
        if (ready) {
            return "lanes";
        }
        if (finished) {
            return "scalar";
        }
        return started.get() ? "warming_up" : "cold";
    }

    /** Whether the warm-up has begun. */
    boolean started() {
        return started.get();
    }

    /**
     * Called by a {@link Poly1305} for each lane-sized message it took through the scalar code,
     * with its own running count: the {@link #BULK_MESSAGES}th begins the warm-up (once).
     */
    void noteColdMessage(int count) {
        if (count == BULK_MESSAGES) {
            begin();
        }
    }

    /** Begins the warm-up now, if it can run and has not begun. */
    void begin() {
        if (possible && started.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("weft-poly1305-warm-up").start(this::run);
        }
    }

    private void run() {
        try {
            yieldToEveryoneElse();
            Poly1305 scalar = new Poly1305(false);
            Poly1305 lanes = new Poly1305(true);
            byte[] key = new byte[32];
            byte[] packet = new byte[PACKET];
            byte[] tag = new byte[Poly1305.TAG_SIZE];
            long bestScalar = Long.MAX_VALUE;
            int wins = 0;
            for (int round = 0; round < MAX_ROUNDS && wins < WINS_NEEDED; round++) {
                bestScalar = Math.min(bestScalar, time(scalar, key, packet, tag));
                long lanesTime = time(lanes, key, packet, tag);
                wins = lanesTime * 5 <= bestScalar * 4 ? wins + 1 : 0;
            }
            ready = wins >= WINS_NEEDED;
        } finally {
            finished = true;
        }
    }

    /**
     * Nice 19 for this thread: it runs on cores the packet path and the rest leave idle, so on a
     * machine without a spare core the lanes arrive later instead of the traffic slowing down.
     * Best effort: where the call fails (not Linux) the thread runs at the normal priority.
     */
    private static void yieldToEveryoneElse() {
        try {
            Native.libc().setpriority(0, Native.libc().gettid(), 19);
        } catch (LinkageError | RuntimeException e) {
            // no libc call here: the normal priority
        }
    }

    private static long time(Poly1305 poly, byte[] key, byte[] packet, byte[] tag) {
        long start = System.nanoTime();
        for (int i = 0; i < CALLS_PER_ROUND; i++) {
            key[0] = (byte) i;
            poly.aeadTag(key, packet, 0, PACKET, tag, 0);
        }
        return System.nanoTime() - start;
    }
}

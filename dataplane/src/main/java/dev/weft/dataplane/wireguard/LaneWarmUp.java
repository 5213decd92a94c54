package dev.weft.dataplane.wireguard;

/**
 * Runs Poly1305's vector lanes off the packet path until the JIT has compiled them, and says
 * when they are worth using: the packet path takes the scalar MAC until then.
 *
 * <p>Why: until C2 compiles it, vector code runs without its intrinsics, one object per vector
 * operation: a 1420-byte packet's MAC takes ~300 µs instead of ~0.4 µs, and the first ~5,000
 * calls cost about half a second of a core. On the event loop that was a node's first second
 * of traffic (0.03 Gb/s against 0.4). Here a thread of its own spends that half second (once
 * per JVM: later instances find the code compiled) and compares the lanes with the scalar MAC
 * on the same packet; they are used from the third comparison in a row they win by a fifth or
 * more. Where they never do (a JVM whose compiler lacks the vector instructions used), the
 * scalar MAC stays, after {@link #MAX_ROUNDS} rounds.
 */
final class LaneWarmUp {
    private static final int PACKET = 1420;
    private static final int CALLS_PER_ROUND = 64;
    private static final int WINS_NEEDED = 3;
    static final int MAX_ROUNDS = 3000;

    private volatile boolean ready;
    private volatile boolean finished;

    private LaneWarmUp() {}

    /** Starts warming up where the JVM has usable lanes; otherwise returns one that is never ready. */
    static LaneWarmUp start() {
        if (!Poly1305.lanesAvailable()) {
            return never();
        }
        LaneWarmUp warmUp = new LaneWarmUp();
        Thread.ofPlatform().daemon().name("weft-poly1305-warm-up").start(warmUp::run);
        return warmUp;
    }

    /** One that is finished and never ready: the scalar MAC alone (benchmarks compare the two). */
    static LaneWarmUp never() {
        LaneWarmUp warmUp = new LaneWarmUp();
        warmUp.finished = true;
        return warmUp;
    }

    /** One that is finished and ready where the JVM has lanes: the lanes from the first packet on (tests). */
    static LaneWarmUp skipped() {
        LaneWarmUp warmUp = never();
        warmUp.ready = Poly1305.lanesAvailable();
        return warmUp;
    }

    /** Whether the packet path should use the lanes now. */
    boolean ready() {
        return ready;
    }

    /** Whether the warm-up is over, ready or not. */
    boolean finished() {
        return finished;
    }

    private void run() {
        try {
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

    private static long time(Poly1305 poly, byte[] key, byte[] packet, byte[] tag) {
        long start = System.nanoTime();
        for (int i = 0; i < CALLS_PER_ROUND; i++) {
            key[0] = (byte) i;
            poly.aeadTag(key, packet, 0, PACKET, tag, 0);
        }
        return System.nanoTime() - start;
    }
}

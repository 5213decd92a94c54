package dev.weft.gossip;

/**
 * Lifeguard's local health multiplier: 0 when this member's own probes succeed, rising (to a
 * ceiling) when it misses acks and nacks or is suspected itself, which hints that the slow one is
 * this member. Probe intervals and timeouts stretch with it, so a starved member accuses less.
 */
final class Awareness {
  private final int max;
  private int score;

  Awareness(int max) {
    this.max = max;
  }

  int score() {
    return score;
  }

  /** {@code base} stretched by the current health: base × (score + 1). */
  long scale(long base) {
    return base * (score + 1);
  }

  /** Moves the score by {@code delta}, within 0 and the ceiling. */
  void apply(int delta) {
    score = Math.max(0, Math.min(max, score + delta));
  }
}

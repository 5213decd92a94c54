package dev.weft.chaos.lab;

import java.time.Duration;

/**
 * Latency added to a link in each direction.
 *
 * @param base the delay every frame gets
 * @param jitter each frame's delay varies uniformly within base ± jitter (never below zero)
 * @param reorder whether a frame may overtake an earlier one when jitter allows (otherwise order is kept)
 */
public record Delay(Duration base, Duration jitter, boolean reorder) {
  /** No added delay. */
  public static final Delay NONE = new Delay(Duration.ZERO, Duration.ZERO, false);

  /** Validates that neither duration is negative. */
  public Delay {
    if (base.isNegative() || jitter.isNegative()) {
      throw new IllegalArgumentException("delay and jitter must not be negative");
    }
  }

  /** A fixed delay. */
  public static Delay of(Duration base) {
    return new Delay(base, Duration.ZERO, false);
  }

  /** A delay with jitter, keeping order. */
  public static Delay of(Duration base, Duration jitter) {
    return new Delay(base, jitter, false);
  }

  /** The same delay and jitter, letting frames overtake each other. */
  public Delay withReordering() {
    return new Delay(base, jitter, true);
  }

  boolean isNone() {
    return base.isZero() && jitter.isZero();
  }
}

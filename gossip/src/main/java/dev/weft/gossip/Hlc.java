package dev.weft.gossip;

/**
 * A hybrid logical clock (Kulkarni et al.): versions that follow wall time when clocks agree and
 * still move forward when they do not. Packed in a long: 48 bits of milliseconds, 16 of counter.
 */
public final class Hlc {
  private static final int COUNTER_BITS = 16;
  private static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;
  private long last;

  /** A version greater than every version this clock issued or saw. */
  public long tick(long wallMillis) {
    long wall = wallMillis << COUNTER_BITS;
    last = wall > last ? wall : last + 1;
    return last;
  }

  /** Takes in a version seen from elsewhere, so that the next tick exceeds it. */
  public void observe(long version) {
    if (version > last) {
      last = version;
    }
  }

  public static long millis(long version) {
    return version >>> COUNTER_BITS;
  }

  public static int counter(long version) {
    return (int) (version & COUNTER_MASK);
  }
}

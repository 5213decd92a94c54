package dev.weft.gossip;

/** Time and timers for gossip: real time in production, virtual time in the simulator. */
public interface Scheduler {
  /** Milliseconds on a monotonic clock. */
  long nowMillis();

  /** Milliseconds since the epoch, for hybrid logical clocks. */
  long wallMillis();

  /** Runs {@code task} on the scheduler's thread after {@code delayMillis}. */
  Cancellable schedule(long delayMillis, Runnable task);

  /** A scheduled task that can be called off. */
  interface Cancellable {
    void cancel();
  }
}

package dev.weft.gossip;

/** The member's periodic tasks: each reschedules itself; {@link #cancelAll} ends them on stop. */
final class Ticker {
  enum Tick {
    PROBE,
    GOSSIP,
    PUSH_PULL,
    RECONNECT,
    GARBAGE
  }

  private final Scheduler scheduler;
  private final Scheduler.Cancellable[] pending = new Scheduler.Cancellable[Tick.values().length];

  Ticker(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  void schedule(Tick tick, long delayMillis, Runnable task) {
    pending[tick.ordinal()] = scheduler.schedule(delayMillis, task);
  }

  void cancelAll() {
    for (int i = 0; i < pending.length; i++) {
      if (pending[i] != null) {
        pending[i].cancel();
        pending[i] = null;
      }
    }
  }
}

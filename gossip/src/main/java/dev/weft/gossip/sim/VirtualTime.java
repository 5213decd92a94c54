package dev.weft.gossip.sim;

import java.util.PriorityQueue;

/** The simulator's clock and event queue: events run in time order, ties in insertion order. */
public final class VirtualTime {
  /** Wall clock of the simulated world at virtual time zero. */
  static final long EPOCH_MILLIS = 1_800_000_000_000L;

  private static final class Event implements Comparable<Event> {
    final long at;
    final long order;
    final Runnable task;
    boolean cancelled;

    Event(long at, long order, Runnable task) {
      this.at = at;
      this.order = order;
      this.task = task;
    }

    @Override
    public int compareTo(Event o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now;
  private long order;
  private long executed;

  public long now() {
    return now;
  }

  public long eventsExecuted() {
    return executed;
  }

  /** Schedules {@code task} at {@code now + delay}; returns a handle that cancels it. */
  dev.weft.gossip.Scheduler.Cancellable at(long delay, Runnable task) {
    Event e = new Event(now + Math.max(0, delay), order++, task);
    queue.add(e);
    return () -> e.cancelled = true;
  }

  /** Runs every event up to {@code until} (inclusive) and leaves the clock there. */
  public void runUntil(long until) {
    while (!queue.isEmpty() && queue.peek().at <= until) {
      Event e = queue.poll();
      now = e.at;
      if (!e.cancelled) {
        executed++;
        e.task.run();
      }
    }
    now = Math.max(now, until);
  }

  public void runFor(long millis) {
    runUntil(now + millis);
  }
}

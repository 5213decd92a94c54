package dev.weft.gossip.sim;

/**
 * The simulator's clock and event queue: events run in time order, ties in insertion order.
 *
 * <p>A timing wheel with one slot per millisecond over the next {@link #WHEEL_MILLIS}, each slot a
 * first-in first-out list, and a heap for events further out. Ten thousand members keep tens of
 * millions of timers pending (every suspicion's, until it would have fired); a heap of that size
 * costs two dozen cache misses per event, a slot one. An event in the heap was scheduled before
 * any event that goes straight into its slot (that needs its time to be within reach already), and
 * it moves into its slot as soon as its time is within reach, so the order is the heap's exactly.
 */
public final class VirtualTime {
  /** Wall clock of the simulated world at virtual time zero. */
  static final long EPOCH_MILLIS = 1_800_000_000_000L;

  private static final int WHEEL_MILLIS = 1 << 16;
  private static final int MASK = WHEEL_MILLIS - 1;

  /** An event is its own cancel handle: one allocation per event. */
  private static final class Event implements Comparable<Event>, dev.weft.gossip.Scheduler.Cancellable {
    final long at;
    final long order;
    final Runnable task;
    boolean cancelled;
    Event next; // in its slot

    Event(long at, long order, Runnable task) {
      this.at = at;
      this.order = order;
      this.task = task;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Event o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
    }
  }

  private final Event[] first = new Event[WHEEL_MILLIS];
  private final Event[] last = new Event[WHEEL_MILLIS];
  private final java.util.PriorityQueue<Event> later = new java.util.PriorityQueue<>();
  private long inWheel;
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
    if (e.at - now < WHEEL_MILLIS) {
      append(e);
    } else {
      later.add(e);
    }
    return e;
  }

  /** Runs every event up to {@code until} (inclusive) and leaves the clock there. */
  public void runUntil(long until) {
    if (until < now) {
      return;
    }
    while (true) {
      runDue();
      if (now >= until) {
        return;
      }
      long next = now + 1;
      if (inWheel == 0) { // skip empty stretches: to the heap's first event, or to the end
        next = later.isEmpty() ? until : Math.max(next, Math.min(until, later.peek().at - (WHEEL_MILLIS - 1)));
      }
      now = next;
      while (!later.isEmpty() && later.peek().at - now < WHEEL_MILLIS) {
        append(later.poll());
      }
    }
  }

  public void runFor(long millis) {
    runUntil(now + millis);
  }

  /** Runs the events due now, including those they schedule for now. */
  private void runDue() {
    int slot = (int) (now & MASK);
    Event e;
    while ((e = first[slot]) != null) {
      first[slot] = e.next;
      if (e.next == null) {
        last[slot] = null;
      }
      e.next = null;
      inWheel--;
      if (!e.cancelled) {
        executed++;
        e.task.run();
      }
    }
  }

  private void append(Event e) {
    int slot = (int) (e.at & MASK);
    if (last[slot] == null) {
      first[slot] = e;
    } else {
      last[slot].next = e;
    }
    last[slot] = e;
    inWheel++;
  }
}

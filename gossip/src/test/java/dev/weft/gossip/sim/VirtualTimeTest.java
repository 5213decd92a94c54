package dev.weft.gossip.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VirtualTimeTest {
  /** The plain definition: one heap ordered by time, then by when the event was scheduled. */
  private static final class ReferenceTime {
    record Event(long at, long order, Runnable task) {}

    final PriorityQueue<Event> queue =
        new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    long now;
    long order;

    void at(long delay, Runnable task) {
      queue.add(new Event(now + Math.max(0, delay), order++, task));
    }

    void runUntil(long until) {
      while (!queue.isEmpty() && queue.peek().at <= until) {
        Event e = queue.poll();
        now = e.at;
        e.task.run();
      }
      now = Math.max(now, until);
    }
  }

  /** Delays around the wheel's edge, zero, and far beyond it. */
  private static long delay(SplittableRandom r) {
    return switch (r.nextInt(6)) {
      case 0 -> 0;
      case 1 -> r.nextLong(10);
      case 2 -> 65_534 + r.nextLong(4);
      case 3 -> r.nextLong(300_000);
      case 4 -> r.nextLong(2_000);
      default -> 131_070 + r.nextLong(5);
    };
  }

  private interface Clock {
    long now();

    void at(long delay, Runnable task);
  }

  /** Each event records itself and schedules up to two more, until 20,000 have been made. */
  private static List<String> trace(Clock clock, java.util.function.LongConsumer runUntil, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    int[] made = {0};
    class Spawner implements Runnable {
      final int id;

      Spawner(int id) {
        this.id = id;
      }

      @Override
      public void run() {
        out.add(id + "@" + clock.now());
        for (int i = r.nextInt(3); i > 0 && made[0] < 20_000; i--) {
          clock.at(delay(r), new Spawner(made[0]++));
        }
      }
    }
    for (int i = 0; i < 50; i++) {
      clock.at(delay(r), new Spawner(made[0]++));
    }
    for (long t = 0; t < 5_000_000; t += 1 + r.nextLong(400_000)) {
      runUntil.accept(t);
      clock.at(delay(r), new Spawner(made[0]++)); // scheduled from outside, between runs
    }
    runUntil.accept(10_000_000);
    return out;
  }

  @Test
  void runsEventsInTheOrderOfOneHeap() {
    for (long seed = 1; seed <= 5; seed++) {
      VirtualTime wheel = new VirtualTime();
      List<String> fast = trace(new Clock() {
        public long now() {
          return wheel.now();
        }

        public void at(long delay, Runnable task) {
          wheel.at(delay, task);
        }
      }, wheel::runUntil, seed);
      ReferenceTime heap = new ReferenceTime();
      List<String> plain = trace(new Clock() {
        public long now() {
          return heap.now;
        }

        public void at(long delay, Runnable task) {
          heap.at(delay, task);
        }
      }, heap::runUntil, seed);
      assertTrue(plain.size() > 1_000, "the program did something");
      assertEquals(plain, fast, "seed " + seed);
      assertEquals(heap.now, wheel.now());
    }
  }

  @Test
  void cancelledEventsDoNotRun() {
    VirtualTime t = new VirtualTime();
    List<String> ran = new ArrayList<>();
    t.at(5, () -> ran.add("near"));
    t.at(100_000, () -> ran.add("far")).cancel();
    t.at(5, () -> ran.add("cancelled")).cancel();
    t.runFor(200_000);
    assertEquals(List.of("near"), ran);
    assertEquals(200_000, t.now());
    assertEquals(1, t.eventsExecuted());
  }
}

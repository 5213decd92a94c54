package dev.weft.gossip;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Measurements of what code under test allocates, retains and costs. */
final class Heap {
  private Heap() {}

  /** Bytes this thread has allocated so far (HotSpot counts every allocation, TLABs included). */
  static long allocatedByThisThread() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  /** CPU time of this thread, in nanoseconds: a rate per CPU-second does not depend on the machine's load. */
  static long cpuOfThisThread() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /**
   * Used heap after full collections: System.gc() is a full, stop-the-world collection on G1 (the
   * default) unless ExplicitGCInvokesConcurrent is set; the least of three readings drops garbage
   * a concurrent thread (JUnit, surefire) made meanwhile.
   */
  static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}

package dev.weft.gossip;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real time for gossip on a single-threaded executor: timers run there, and the transport must
 * hand received datagrams to {@link #execute} so that gossip only ever runs on that thread.
 */
public final class ExecutorScheduler implements Scheduler {
  private final ScheduledExecutorService executor;

  /** {@code executor} must run tasks one at a time (e.g. {@code newSingleThreadScheduledExecutor}). */
  public ExecutorScheduler(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  @Override
  public long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public long wallMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    ScheduledFuture<?> f = executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  /** Runs {@code task} on the gossip thread as soon as it is free. */
  public void execute(Runnable task) {
    executor.execute(task);
  }
}

package dev.weft.chaos.lab;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A hashed TCP stream that runs until it is stopped, for tests that need traffic to flow across
 * something whose length they do not know in advance (reloads, restarts, path changes). A stream of a
 * fixed size would end sooner on a faster dataplane than the test's actions do.
 */
public final class RunningStream {
  private final AtomicBoolean stop;
  private final CompletableFuture<StreamResult> result;
  private final Supplier<StreamResult> await;

  RunningStream(AtomicBoolean stop, CompletableFuture<StreamResult> result, Supplier<StreamResult> await) {
    this.stop = stop;
    this.result = result;
    this.await = await;
  }

  /** Whether the stream has ended although nobody stopped it: it broke (see {@link #stop} for why). */
  public boolean ended() {
    return result.isDone() && !stop.get();
  }

  /**
   * Lets the sender finish its current chunk, closes its side and waits for the receiver to read the
   * rest; the result compares both ends' counts and hashes.
   */
  public StreamResult stop() {
    stop.set(true);
    return await.get();
  }
}

package dev.weft.chaos.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Runs short administrative commands (ip, nft, tc, ping, dig) and collects their output. */
final class Shell {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Blocking work gets its own thread: the common pool may have a single worker on small machines. */
  static final Executor THREAD_PER_TASK = task -> Thread.ofPlatform().daemon().start(task);

  private Shell() {}

  static ExecResult run(List<String> command) {
    return run(command, null, DEFAULT_TIMEOUT);
  }

  static ExecResult run(List<String> command, String stdin, Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new LabException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()), THREAD_PER_TASK);
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()), THREAD_PER_TASK);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The command may exit without reading its input; its exit status tells what happened.
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new LabException("command timed out after " + timeout + ": " + String.join(" ", command));
      }
      return new ExecResult(List.copyOf(command), p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while running " + String.join(" ", command), e);
    }
  }

  static ExecResult check(List<String> command) {
    return run(command).requireOk();
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

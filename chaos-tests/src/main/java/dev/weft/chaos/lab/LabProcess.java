package dev.weft.chaos.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program running inside a lab node. Its stdout and stderr are appended to files (kept after the run) that
 * survive restarts; {@link #kill()} is a hard kill of the program and everything it started.
 */
public final class LabProcess {
  private final Node node;
  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path stdout;
  private final Path stderr;
  private Process process;

  private LabProcess(
      Node node, String name, List<String> command, Map<String, String> environment, Path stdout, Path stderr) {
    this.node = node;
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static LabProcess start(Node node, String name, List<String> command, Map<String, String> env, Path logDir) {
    if (!name.matches("[A-Za-z0-9._-]{1,40}")) {
      throw new IllegalArgumentException("process name must be 1-40 of [A-Za-z0-9._-]: " + name);
    }
    String base = node.name() + "." + name;
    LabProcess p = new LabProcess(node, name, command, env, logDir.resolve(base + ".out"), logDir.resolve(base + ".err"));
    p.launch();
    return p;
  }

  private synchronized void launch() {
    if (process != null && process.isAlive()) {
      throw new LabException(this + " is still running");
    }
    try {
      Files.createDirectories(node.dir());
      String banner = "=== " + Instant.now() + " start: " + String.join(" ", command) + "\n";
      Files.writeString(stdout, banner, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      Files.writeString(stderr, banner, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder pb =
          new ProcessBuilder(node.namespace().wrap(command))
              .directory(node.dir().toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
              .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
      pb.environment().putAll(environment);
      process = pb.start();
    } catch (IOException e) {
      throw new LabException("cannot start " + this + ": " + e.getMessage(), e);
    }
  }

  /** The process's name (unique per node by convention; it names the log files). */
  public String name() {
    return name;
  }

  /** The node it runs in. */
  public Node node() {
    return node;
  }

  /** Its command line. */
  public List<String> command() {
    return command;
  }

  /** The file its standard output is appended to. */
  public Path stdoutFile() {
    return stdout;
  }

  /** The file its standard error is appended to. */
  public Path stderrFile() {
    return stderr;
  }

  /** Its operating-system process id (of the current incarnation). */
  public synchronized long pid() {
    return process.pid();
  }

  /** Whether the current incarnation is running. */
  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL to the program and its descendants; waits until it is gone. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    waitGone(Duration.ofSeconds(10));
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
  public synchronized void stop(Duration grace) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  /** Kills the current incarnation hard (if running) and starts the same command again, same log files. */
  public synchronized void restart() {
    kill();
    launch();
  }

  /** Waits for the program to exit by itself; returns its exit status. */
  public int waitFor(Duration timeout) {
    Process p;
    synchronized (this) {
      p = process;
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new LabException(this + " did not exit within " + timeout);
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }

  /** Everything it has written to stdout so far (all incarnations). */
  public String stdout() {
    return read(stdout);
  }

  /** Everything it has written to stderr so far (all incarnations). */
  public String stderr() {
    return read(stderr);
  }

  /** Waits until {@code text} appears in its stdout; fails with the log tail (and exit status) otherwise. */
  public void awaitOutput(String text, Duration timeout) {
    await(stdout, text, 1, timeout);
  }

  /**
   * Waits until {@code text} has appeared {@code times} times in its stdout. The log spans every
   * incarnation, so after {@link #restart} a program's banner is awaited as one more occurrence.
   */
  public void awaitOutput(String text, int times, Duration timeout) {
    await(stdout, text, times, timeout);
  }

  /** How often {@code text} appears in its stdout so far (all incarnations). */
  public int occurrences(String text) {
    return count(stdout(), text);
  }

  /** Waits until {@code text} appears in its stderr; fails with the log tail (and exit status) otherwise. */
  public void awaitError(String text, Duration timeout) {
    await(stderr, text, 1, timeout);
  }

  private static int count(String haystack, String text) {
    int n = 0;
    for (int i = haystack.indexOf(text); i >= 0; i = haystack.indexOf(text, i + text.length())) {
      n++;
    }
    return n;
  }

  private void await(Path file, String text, int times, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (count(read(file), text) < times) {
      if (System.nanoTime() > end) {
        throw new LabException(this + " did not print \"" + text + "\" within " + timeout
            + (isAlive() ? "" : " (it exited)") + "\n" + tail(30));
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LabException("interrupted", e);
      }
    }
  }

  /** The last {@code lines} lines of both outputs, for failure reports. */
  public String tail(int lines) {
    return "--- " + this + " stdout (" + stdout + "):\n" + lastLines(stdout(), lines) + "--- " + this + " stderr ("
        + stderr + "):\n" + lastLines(stderr(), lines);
  }

  private static String lastLines(String text, int lines) {
    String[] all = text.split("\n", -1);
    StringBuilder sb = new StringBuilder();
    for (int i = Math.max(0, all.length - lines - 1); i < all.length; i++) {
      if (!all[i].isEmpty() || i < all.length - 1) {
        sb.append(all[i]).append('\n');
      }
    }
    return sb.toString();
  }

  private static String read(Path file) {
    try {
      // Lenient: a program's bytes that are not UTF-8 must not replace a test's failure with this one.
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void waitGone(Duration timeout) {
    try {
      process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + "@" + node.name();
  }
}

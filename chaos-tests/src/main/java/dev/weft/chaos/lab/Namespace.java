package dev.weft.chaos.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One network namespace of the lab. Every command that changes network state goes through here, so that
 * nothing ever runs against the root namespace by accident.
 */
final class Namespace {
  private final String name;

  private Namespace(String name) {
    this.name = name;
  }

  static Namespace create(String name) {
    Shell.check(List.of("ip", "netns", "add", name));
    Namespace ns = new Namespace(name);
    try {
      ns.ip("link", "set", "lo", "up");
    } catch (RuntimeException e) {
      ns.destroy(); // not yet tracked by the lab, so nobody else would remove it
      throw e;
    }
    return ns;
  }

  String name() {
    return name;
  }

  /** Runs {@code ip -n <ns> args...} and requires success. */
  ExecResult ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
    cmd.addAll(Arrays.asList(args));
    return Shell.check(cmd);
  }

  /** Runs a batch of {@code ip} commands (one per line) in this namespace. */
  void ipBatch(List<String> lines) {
    if (!lines.isEmpty()) {
      Shell.run(List.of("ip", "-n", name, "-batch", "-"), String.join("\n", lines) + "\n", Shell.DEFAULT_TIMEOUT)
          .requireOk();
    }
  }

  /** Applies an nftables script atomically in this namespace. */
  void nft(String script) {
    Shell.run(List.of("ip", "netns", "exec", name, "nft", "-f", "-"), script, Shell.DEFAULT_TIMEOUT).requireOk();
  }

  /** Sets sysctls (keys like {@code net.ipv4.ip_forward}) in this namespace with one process. */
  void sysctl(String... keyEqualsValue) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name, "sysctl", "-q", "-w"));
    cmd.addAll(Arrays.asList(keyEqualsValue));
    Shell.check(cmd);
  }

  /** The command line that runs {@code command} inside this namespace. */
  List<String> wrap(List<String> command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(command);
    return cmd;
  }

  ExecResult exec(List<String> command, java.time.Duration timeout) {
    return Shell.run(wrap(command), null, timeout);
  }

  /**
   * Runs {@code task} on a fresh platform thread that has entered this namespace: sockets it opens belong to
   * the namespace for their whole life, whichever thread uses them later. The thread ends with the task.
   */
  <T> T call(Callable<T> task) {
    FutureTask<T> future =
        new FutureTask<>(
            () -> {
              Native.enterNetns("/run/netns/" + name);
              return task.call();
            });
    Thread.ofPlatform().name("netns-" + name).daemon().start(future);
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted in namespace " + name, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new LabException("task in namespace " + name + " failed: " + cause, cause);
    }
  }

  /** Starts a long-running daemon thread inside this namespace. */
  Thread startThread(String threadName, Runnable body) {
    return Thread.ofPlatform()
        .name(threadName)
        .daemon()
        .start(
            () -> {
              Native.enterNetns("/run/netns/" + name);
              body.run();
            });
  }

  /** PIDs of every process still inside the namespace. */
  List<Long> pids() {
    ExecResult r = Shell.run(List.of("ip", "netns", "pids", name));
    List<Long> pids = new ArrayList<>();
    for (String line : r.stdout().split("\\s+")) {
      if (!line.isBlank()) {
        pids.add(Long.parseLong(line.strip()));
      }
    }
    return pids;
  }

  /** Kills every process inside and removes the namespace (its interfaces go with it). */
  void destroy() {
    destroy(name);
  }

  static void destroy(String name) {
    Namespace ns = new Namespace(name);
    for (long pid : ns.pids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    ExecResult r = Shell.run(List.of("ip", "netns", "del", name));
    if (!r.ok() && !r.stderr().contains("No such file")) {
      r.requireOk();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}

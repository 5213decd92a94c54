package dev.weft.chaos.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds namespaces of earlier lab runs whose JVM died without cleaning up. Every lab namespace is named
 * {@code wl-<pid>-<run>-<name>}; those whose pid no longer runs are removed with their processes. Namespaces of
 * live runs (other JVMs testing in parallel) are left alone.
 */
final class Leftovers {
  static final String PREFIX = "wl-";
  private static final Pattern NAME = Pattern.compile("^" + PREFIX + "(\\d+)-[a-z0-9]+-\\S+");

  private Leftovers() {}

  static List<String> labNamespaces() {
    ExecResult r = Shell.check(List.of("ip", "netns", "list"));
    List<String> names = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      String name = line.strip().split("\\s+")[0];
      if (NAME.matcher(name).matches()) {
        names.add(name);
      }
    }
    return names;
  }

  static long ownerPid(String namespace) {
    Matcher m = NAME.matcher(namespace);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Removes namespaces owned by dead processes; returns their names. */
  static List<String> removeDead() {
    List<String> removed = new ArrayList<>();
    for (String ns : labNamespaces()) {
      long pid = ownerPid(ns);
      if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        continue;
      }
      Namespace.destroy(ns);
      removed.add(ns);
    }
    return removed;
  }
}

package dev.weft.chaos.lab;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A host or router of the lab: one network namespace with links to segments. */
public abstract sealed class Node permits Host, Router {
  private static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");

  private final Lab lab;
  private final String name;
  private final Namespace namespace;
  private final Path dir;
  private final List<Link> links = new ArrayList<>();
  private final Set<String> routes = new LinkedHashSet<>();

  Node(Lab lab, String name, Namespace namespace, Path dir) {
    this.lab = lab;
    this.name = name;
    this.namespace = namespace;
    this.dir = dir;
  }

  /** The node's name in the topology. */
  public String name() {
    return name;
  }

  /** The network namespace's name (for {@code ip netns exec}). */
  public String netns() {
    return namespace.name();
  }

  /** A scratch directory of this node: working directory of its processes, a place for config files. */
  public Path dir() {
    return dir;
  }

  /** Its links, in the order they were made. */
  public synchronized List<Link> links() {
    return List.copyOf(links);
  }

  /** Its main IPv4 address (the first link's). */
  public Inet4Address ipv4() {
    return links().get(0).ipv4();
  }

  /** Its main IPv6 address, when the lab is dual-stack. */
  public Optional<Inet6Address> ipv6() {
    return links().get(0).ipv6();
  }

  Lab lab() {
    return lab;
  }

  Namespace namespace() {
    return namespace;
  }

  synchronized void addLink(Link link) {
    links.add(link);
  }

  /** Installs the routes of {@code wanted} not installed yet (routes are only ever added or replaced). */
  synchronized void ensureRoutes(List<String> wanted) {
    List<String> missing = new ArrayList<>();
    for (String r : wanted) {
      if (!routes.contains(r)) {
        missing.add(r);
      }
    }
    namespace.ipBatch(missing);
    routes.addAll(missing);
  }

  /** Runs {@code task} on a thread inside this node's namespace; sockets it opens stay in the namespace. */
  public <T> T call(Callable<T> task) {
    return namespace.call(task);
  }

  /** Runs a command inside the node to completion (30 s at most). */
  public ExecResult exec(String... command) {
    return exec(List.of(command), Shell.DEFAULT_TIMEOUT);
  }

  /** Runs a command inside the node to completion, killing it after {@code timeout}. */
  public ExecResult exec(List<String> command, Duration timeout) {
    return namespace.exec(command, timeout);
  }

  /** Starts a long-running program inside the node; its output goes to files in the lab's log directory. */
  public LabProcess start(String processName, String... command) {
    return start(processName, List.of(command), Map.of());
  }

  /** Starts a long-running program given as a list (e.g. {@link Lab#weft(String...)}). */
  public LabProcess start(String processName, List<String> command) {
    return start(processName, command, Map.of());
  }

  /** Starts a long-running program with extra environment variables. */
  public LabProcess start(String processName, List<String> command, Map<String, String> environment) {
    LabProcess p = LabProcess.start(this, processName, command, environment, lab.logDir());
    lab.track(p);
    return p;
  }

  /**
   * Pings {@code target} until one reply arrives; returns the round-trip time.
   *
   * @throws LabException when no reply came within {@code deadline}
   */
  public Duration ping(InetAddress target, Duration deadline) {
    ExecResult r = pingOnce(target, deadline);
    Matcher m = RTT.matcher(r.stdout());
    if (!r.ok() || !m.find()) {
      throw new LabException(name + " cannot ping " + target.getHostAddress() + " within " + deadline + "\n"
          + r.stdout().strip());
    }
    return Duration.ofNanos((long) (Double.parseDouble(m.group(1)) * 1_000_000));
  }

  /** Whether a ping to {@code target} gets a reply within {@code deadline}. */
  public boolean canPing(InetAddress target, Duration deadline) {
    return pingOnce(target, deadline).ok();
  }

  private ExecResult pingOnce(InetAddress target, Duration deadline) {
    long seconds = Math.max(1, (deadline.toMillis() + 999) / 1000);
    return exec(
        List.of("ping", target instanceof Inet6Address ? "-6" : "-4", "-n", "-c", "1", "-i", "0.2", "-w",
            String.valueOf(seconds), target.getHostAddress()),
        deadline.plusSeconds(5));
  }

  /** Sends {@code count} pings {@code interval} apart and reports loss and round-trip times. */
  public PingResult pingStats(InetAddress target, int count, Duration interval) {
    double seconds = interval.toNanos() / 1e9;
    ExecResult r =
        exec(
            List.of("ping", target instanceof Inet6Address ? "-6" : "-4", "-n", "-q", "-c", String.valueOf(count),
                "-i", String.format(java.util.Locale.ROOT, "%.4f", seconds), "-W", "2", target.getHostAddress()),
            interval.multipliedBy(count).plusSeconds(30));
    return PingResult.parse(r.stdout());
  }

  /** Asks the DNS server at {@code server} for {@code name}/{@code type} with dig; returns the answers. */
  public List<String> dig(InetAddress server, String name, String type) {
    ExecResult r =
        exec(List.of("dig", "+short", "+time=1", "+tries=3", "@" + server.getHostAddress(), name, type),
                Duration.ofSeconds(15))
            .requireOk();
    List<String> answers = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      if (!line.isBlank() && !line.startsWith(";;")) {
        answers.add(line.strip());
      }
    }
    return answers;
  }

  /**
   * Sends {@code bytes} of pseudo-random data over TCP from this node to {@code receiver}, listening on
   * {@code address}; both ends hash what they saw.
   */
  public StreamResult streamTo(Node receiver, InetAddress address, long bytes, Duration deadline) {
    return TcpStream.run(this, receiver, address, bytes, deadline);
  }

  /**
   * Starts a TCP stream of pseudo-random data from this node to {@code receiver} that runs until
   * {@link RunningStream#stop}; {@code deadline} bounds its whole life.
   */
  public RunningStream streamUntilStopped(Node receiver, InetAddress address, Duration deadline) {
    return TcpStream.open(this, receiver, address, deadline);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + name + " " + links();
  }
}

package dev.weft.chaos.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import dev.weft.chaos.lab.PingResult;
import dev.weft.chaos.lab.Segment;
import dev.weft.node.admin.AdminClient;
import dev.weft.node.config.NodeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mesh at size: one lighthouse and N real {@code weft node} processes on one lab segment, no
 * peer configured anywhere. Measures how long the mesh takes to form, how long a SIGKILLed node
 * takes to be known dead everywhere, the idle control traffic and memory per node, and the first
 * ping through a session started on demand. Not a test: {@code scripts/bench-mesh}.
 *
 * <p>Membership is read from every node's admin socket with the request {@code weft members
 * --json} sends ({@link AdminClient}, in process): starting a CLI JVM per poll for 20 nodes on two
 * cores would slow the very nodes being measured and make the poll interval seconds, not 100 ms.
 */
public final class MeshBenchmark {
    private static final Duration DEAD_DEADLINE = Duration.ofSeconds(120);
    private static final long POLL_MILLIS = 100;
    private static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");

    private record Member(String name, Host host, String dev, LabProcess process, InetAddress v4) {
        Path socket() {
            return NodeConfig.ADMIN_DIR.resolve(dev + ".sock");
        }

        String upLine() {
            return "weft node: " + dev + " up";
        }
    }

    /** Counters of one node's UDP traffic (IP packet bytes, from nftables) and CPU ticks, at one instant. */
    private record Sample(long txBytes, long rxBytes, long cpuTicks) {}

    private record Stats(double median, double max, double min) {
        static Stats of(List<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (v.length == 0) {
                return new Stats(Double.NaN, Double.NaN, Double.NaN);
            }
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Stats(median, v[v.length - 1], v[0]);
        }
    }

    private final Lab lab;
    private final int nodes;
    private final int idleSeconds;
    private final int pairs;
    private final Map<String, String> environment;
    private final List<Member> members = new ArrayList<>(); // members.get(0) is the lighthouse
    private final List<String[]> table = new ArrayList<>();
    private final String loadAtStart = loadAverage();

    private MeshBenchmark(Lab lab, int nodes, int idleSeconds, int pairs, String javaOpts) {
        this.lab = lab;
        this.nodes = nodes;
        this.idleSeconds = idleSeconds;
        this.pairs = pairs;
        this.environment = Map.of("WEFT_JAVA_OPTS", javaOpts);
    }

    public static void main(String[] args) throws Exception {
        int nodes = 20;
        int idle = 60;
        int pairs = 8;
        String javaOpts = "-Xmx64m";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes = positive(args, ++i);
                case "--idle-seconds" -> idle = positive(args, ++i);
                case "--pairs" -> pairs = positive(args, ++i);
                case "--java-opts" -> javaOpts = value(args, ++i);
                case "--help", "-h" -> {
                    System.out.println("usage: bench-mesh [--nodes N (20)] [--idle-seconds S (60)] [--pairs P (8)]"
                            + " [--java-opts 'JVM OPTIONS' (-Xmx64m)]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (see --help)");
            }
        }
        if (nodes < 3) {
            throw new IllegalArgumentException("--nodes must be at least 3");
        }
        pairs = Math.min(pairs, nodes / 2);
        long wall = System.nanoTime();
        try (Lab lab = Lab.create()) {
            MeshBenchmark bench = new MeshBenchmark(lab, nodes, idle, pairs, javaOpts);
            bench.run();
            bench.print(javaOpts, (System.nanoTime() - wall) / 1e9);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static int positive(String[] args, int i) {
        String v = value(args, i);
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(args[i - 1] + " needs a positive whole number, not " + v);
    }

    private void run() throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Pki pki = Pki.create(Files.createDirectories(lhHost.dir().resolve("pki")));
        String lighthouse = "lighthouse: {hosts: [\"" + lhHost.ipv4().getHostAddress() + ":4242\"]}\n";
        List<Path> configs = new ArrayList<>();
        members.add(prepare(pki, lhHost, "lh", 1, "lighthouse: {am_lighthouse: true}\n", configs));
        for (int i = 1; i <= nodes; i++) {
            members.add(prepare(pki, lab.host("n" + i, net), "n" + i, i + 1, lighthouse, configs));
        }
        note("lab: %d namespaces on one segment, %d cores, WEFT_JAVA_OPTS=%s", members.size(),
                Runtime.getRuntime().availableProcessors(), environment.get("WEFT_JAVA_OPTS"));

        Member lh = launch(members.get(0), configs.get(0));
        lh.process.awaitOutput(lh.upLine(), Duration.ofSeconds(90));
        members.set(0, lh);

        long t0 = System.nanoTime();
        for (int i = 1; i < members.size(); i++) {
            members.set(i, launch(members.get(i), configs.get(i)));
        }
        formation(t0);
        memory("after forming");
        idleTraffic();
        firstPackets();
        memory("after the pings");
        crash();
    }

    private Member prepare(Pki pki, Host host, String name, int i, String extra, List<Path> configs) throws IOException {
        String v4 = "100.64." + (i / 250) + "." + (i % 250 + 1);
        pki.node(name, v4 + "/10");
        String dev = lab.interfaceName("m");
        Path state = Files.createDirectories(host.dir().resolve("state-" + name));
        configs.add(pki.config(name, "tun: {dev: " + dev + "}\nstate_dir: " + state + "\n" + extra));
        // Counts every UDP packet the node sends and receives (its one socket carries control and
        // WireGuard; before any session exists, all of it is control traffic).
        host.exec(List.of("nft", "add table inet bench { chain in { type filter hook input priority 0; "
                + "meta l4proto udp counter; }; chain out { type filter hook output priority 0; "
                + "meta l4proto udp counter; }; }"), Duration.ofSeconds(30)).requireOk();
        return new Member(name, host, dev, null, InetAddress.getByName(v4));
    }

    private Member launch(Member m, Path config) {
        LabProcess p = m.host.start("weft-" + m.name, Lab.weft("node", "--config", config.toString()), environment);
        return new Member(m.name, m.host, m.dev, p, m.v4);
    }

    // ------------------------------------------------------------------ formation

    private void formation(long t0) throws InterruptedException {
        int others = members.size() - 1;
        double[] up = new double[members.size()];
        double[] full = new double[members.size()];
        Arrays.fill(up, Double.NaN);
        Arrays.fill(full, Double.NaN);
        // JVM start-up dominates on a small machine: 20 nodes launched at once take ~100 s to come up on 2 cores.
        Duration formDeadline = Duration.ofSeconds(Math.max(300, 15L * nodes));
        long deadline = t0 + formDeadline.toNanos();
        double allTogether = Double.NaN;
        int rounds = 0;
        while (System.nanoTime() < deadline) {
            rounds++;
            boolean all = true;
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                if (Double.isNaN(up[i]) && m.process.occurrences(m.upLine()) > 0) {
                    up[i] = since(t0);
                }
                boolean complete = !Double.isNaN(up[i]) && count(states(m), "alive") == others;
                if (complete && Double.isNaN(full[i])) {
                    full[i] = since(t0);
                }
                all &= complete;
                if (!m.process.isAlive()) {
                    throw new IllegalStateException(m.name + " exited:\n" + m.process.tail(20));
                }
            }
            if (all) {
                allTogether = since(t0);
                break;
            }
            Thread.sleep(POLL_MILLIS);
        }
        if (Double.isNaN(allTogether)) {
            throw new IllegalStateException("the mesh did not form within " + formDeadline.toSeconds() + " s:"
                    + views());
        }
        List<Double> ups = new ArrayList<>();
        List<Double> fulls = new ArrayList<>();
        List<Double> joins = new ArrayList<>();
        for (int i = 1; i < members.size(); i++) {
            ups.add(up[i]);
            fulls.add(full[i]);
            joins.add(full[i] - up[i]);
        }
        Stats join = Stats.of(joins);
        double lastUp = Stats.of(ups).max;
        note("formed: last interface up %.1f s after the first node started; every node saw all %d others alive"
                + " at %.1f s (per node, first full view: median %.1f s, max %.1f s)", lastUp, others, allTogether,
                Stats.of(fulls).median, Stats.of(fulls).max);
        note("join: from a node's own TUN up to its full view: median %.1f s, max %.1f s; all %d members polled"
                + " every %.0f ms on average (%d rounds)", join.median, join.max, members.size(),
                allTogether * 1000 / rounds, rounds);
        row("mesh formed (all see all alive)", "%.1f s", allTogether,
                ("from launching the first of %d nodes (lighthouse already up); all %d processes launched at once;"
                        + " last TUN up at %.1f s, so %.1f s after the last node came up").formatted(nodes, nodes,
                        lastUp, allTogether - lastUp));
        row("join (own TUN up to full view)", "%.1f s", join.median, "per node: median; max %.1f".formatted(join.max));
        // Cross-check with the real CLI once: the same view, through the command users run.
        ExecResult cli = members.get(1).host.exec(Lab.weft("members", "--json", "--dev", members.get(1).dev),
                Duration.ofSeconds(60));
        JsonNode listed = parse(cli.stdout()).path("members");
        note("weft members --json on %s lists %d members (%s)", members.get(1).name, listed.size(),
                cli.ok() ? "ok" : cli.stderr().strip());
    }

    // ------------------------------------------------------------------ idle traffic and memory

    private void idleTraffic() throws InterruptedException {
        int sessions = sessions(members.get(1));
        List<Sample> before = new ArrayList<>();
        for (Member m : members) {
            before.add(sample(m));
        }
        long start = System.nanoTime();
        note("idle: counting UDP bytes for %d s (sessions on %s: %d) ...", idleSeconds, members.get(1).name, sessions);
        Thread.sleep(idleSeconds * 1000L);
        double seconds = since(start);
        List<Double> tx = new ArrayList<>();
        List<Double> rx = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        double lhTx = 0;
        double lhRx = 0;
        double lhCpu = 0;
        for (int i = 0; i < members.size(); i++) {
            Sample a = before.get(i);
            Sample b = sample(members.get(i));
            double t = (b.txBytes - a.txBytes) / seconds;
            double r = (b.rxBytes - a.rxBytes) / seconds;
            double c = (b.cpuTicks - a.cpuTicks) / 100.0 / seconds * 100; // % of one core
            if (i == 0) {
                lhTx = t;
                lhRx = r;
                lhCpu = c;
            } else {
                tx.add(t);
                rx.add(r);
                cpu.add(c);
            }
        }
        Stats t = Stats.of(tx);
        Stats r = Stats.of(rx);
        Stats c = Stats.of(cpu);
        note("idle over %.1f s: node UDP sent %.0f B/s median (%.0f..%.0f), received %.0f B/s median (%.0f..%.0f);"
                + " lighthouse sent %.0f B/s, received %.0f B/s; CPU %.1f %% of a core median (max %.1f), lighthouse"
                + " %.1f %%", seconds, t.median, t.min, t.max, r.median, r.min, r.max, lhTx, lhRx, c.median, c.max, lhCpu);
        String what = ("UDP IP bytes (headers included) counted by nftables in each node's namespace over %.0f s idle,"
                + " no sessions").formatted(seconds);
        row("idle UDP sent per node", "%.0f B/s", t.median, "median; max %.0f; lighthouse %.0f. %s"
                .formatted(t.max, lhTx, what));
        row("idle UDP received per node", "%.0f B/s", r.median, "median; max %.0f; lighthouse %.0f"
                .formatted(r.max, lhRx));
        row("idle CPU per node", "%.1f %%", c.median, "of one core, utime+stime; median; max %.1f; lighthouse %.1f"
                .formatted(c.max, lhCpu));
    }

    private Sample sample(Member m) {
        ExecResult r = m.host.exec(List.of("nft", "list", "table", "inet", "bench"), Duration.ofSeconds(30)).requireOk();
        Matcher in = Pattern.compile("hook input[^}]*counter packets \\d+ bytes (\\d+)").matcher(r.stdout());
        Matcher out = Pattern.compile("hook output[^}]*counter packets \\d+ bytes (\\d+)").matcher(r.stdout());
        if (!in.find() || !out.find()) {
            throw new IllegalStateException("no nftables counters on " + m.name + ":\n" + r.stdout());
        }
        return new Sample(Long.parseLong(out.group(1)), Long.parseLong(in.group(1)), cpuTicks(javaPid(m)));
    }

    private void memory(String when) {
        List<Double> rss = new ArrayList<>();
        double lhRss = 0;
        for (int i = 0; i < members.size(); i++) {
            double mb = rssKb(javaPid(members.get(i))) / 1024.0;
            if (i == 0) {
                lhRss = mb;
            } else {
                rss.add(mb);
            }
        }
        Stats s = Stats.of(rss);
        note("memory %s: VmRSS per node median %.1f MB, max %.1f MB, lighthouse %.1f MB", when, s.median, s.max, lhRss);
        row("RSS per node, " + when, "%.1f MB", s.median, "VmRSS of each weft JVM; median; max %.1f; lighthouse %.1f"
                .formatted(s.max, lhRss));
    }

    /** The JVM's pid: the lab starts {@code ip netns exec ... bin/weft}, which may or may not fork. */
    private static long javaPid(Member m) {
        ProcessHandle root = ProcessHandle.of(m.process.pid()).orElseThrow(() ->
                new IllegalStateException(m.name + " is not running"));
        if (isJava(root.pid())) {
            return root.pid();
        }
        return root.descendants().map(ProcessHandle::pid).filter(MeshBenchmark::isJava).findFirst()
                .orElseThrow(() -> new IllegalStateException("no java process under " + root.pid()));
    }

    private static boolean isJava(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).strip().equals("java");
        } catch (IOException e) {
            return false;
        }
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    /** utime + stime in clock ticks (USER_HZ, 100 on Linux). */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
    }

    // ------------------------------------------------------------------ on-demand sessions

    private void firstPackets() {
        // Disjoint pairs n1→n2, n3→n4, ...: neither end has a session to the other yet.
        List<Double> first = new ArrayList<>();
        List<Double> following = new ArrayList<>();
        int lost = 0;
        for (int p = 0; p < pairs; p++) {
            Member from = members.get(1 + 2 * p);
            Member to = members.get(2 + 2 * p);
            int sessions = sessions(from);
            ExecResult r = from.host.exec(List.of("ping", "-4", "-n", "-c", "1", "-W", "5", to.v4.getHostAddress()),
                    Duration.ofSeconds(30));
            Matcher m = RTT.matcher(r.stdout());
            PingResult after = from.host.pingStats(to.v4, 10, Duration.ofMillis(100));
            double next = after.avg().toNanos() / 1e6;
            if (r.ok() && m.find()) {
                double ms = Double.parseDouble(m.group(1));
                first.add(ms);
                note("first ping %s -> %s (%s sessions before): %.2f ms; next 10: avg %.3f ms, %d/10 replies", from.name,
                        to.name, sessions, ms, next, after.received());
            } else {
                lost++;
                note("first ping %s -> %s (%s sessions before): no reply within 5 s; next 10: avg %.3f ms, %d/10"
                        + " replies", from.name, to.name, sessions, next, after.received());
            }
            if (after.received() > 0) {
                following.add(next);
            }
        }
        Stats f = Stats.of(first);
        Stats n = Stats.of(following);
        row("first ping, new session", "%.2f ms", f.median, "rtt of ping -c 1 -W 5 to a member with no session;"
                + " median of %d pairs; max %.2f; %d lost".formatted(pairs, f.max, lost));
        row("following pings", "%.3f ms", n.median, "avg rtt of the next 10 pings (100 ms apart), median of pairs;"
                + " max %.3f".formatted(n.max));
    }

    private static int sessions(Member m) {
        try {
            return AdminClient.request(m.socket(), "status").path("peers").size();
        } catch (IOException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ crash

    private void crash() throws InterruptedException {
        Member victim = members.get(members.size() - 1);
        List<Member> rest = members.subList(0, members.size() - 1);
        victim.process.kill(); // SIGKILL to the launcher and the JVM: no leave message
        long t0 = System.nanoTime();
        double[] suspect = new double[rest.size()];
        double[] dead = new double[rest.size()];
        Arrays.fill(suspect, Double.NaN);
        Arrays.fill(dead, Double.NaN);
        long deadline = t0 + DEAD_DEADLINE.toNanos();
        boolean all = false;
        while (!all && System.nanoTime() < deadline) {
            all = true;
            for (int i = 0; i < rest.size(); i++) {
                if (!Double.isNaN(dead[i])) {
                    continue;
                }
                String s = states(rest.get(i)).get(victim.name);
                if (!"alive".equals(s) && s != null && Double.isNaN(suspect[i])) {
                    suspect[i] = since(t0);
                }
                if ("dead".equals(s)) {
                    dead[i] = since(t0);
                } else {
                    all = false;
                }
            }
            if (!all) {
                Thread.sleep(POLL_MILLIS);
            }
        }
        if (!all) {
            throw new IllegalStateException("a SIGKILLed node was not dead everywhere within "
                    + DEAD_DEADLINE.toSeconds() + " s:" + views());
        }
        Stats d = Stats.of(Arrays.stream(dead).boxed().toList());
        Stats s = Stats.of(Arrays.stream(suspect).filter(x -> !Double.isNaN(x)).boxed().toList());
        note("crash: %s SIGKILLed; first suspect after %.1f s, dead everywhere after %.1f s (per node: median %.1f s)",
                victim.name, s.min, d.max, d.median);
        row("crash known everywhere", "%.1f s", d.max, "SIGKILL of one node until all %d others list it dead;"
                .formatted(rest.size()) + " per-node median %.1f; first suspect at %.1f".formatted(d.median, s.min));
    }

    // ------------------------------------------------------------------ helpers

    /** Name → state of every other member, as {@code weft members --json} reports it (empty if it cannot answer). */
    private static Map<String, String> states(Member m) {
        Map<String, String> out = new HashMap<>();
        if (!Files.exists(m.socket())) {
            return out;
        }
        try {
            for (JsonNode n : AdminClient.request(m.socket(), "members").path("members")) {
                if (!n.path("self").asBoolean()) {
                    out.put(n.path("name").asText(), n.path("state").asText());
                }
            }
        } catch (IOException e) {
            // not answering yet: counts as seeing nobody
        }
        return out;
    }

    private static long count(Map<String, String> states, String state) {
        return states.values().stream().filter(state::equals).count();
    }

    private String views() {
        StringBuilder b = new StringBuilder();
        for (Member m : members) {
            Map<String, String> s = states(m);
            Map<String, Long> byState = new HashMap<>();
            s.values().forEach(v -> byState.merge(v, 1L, Long::sum));
            b.append("\n").append(m.name).append(" sees ").append(byState)
                    .append("\n  log: ").append(m.process.tail(3).replace("\n", "\n  "));
        }
        return b.toString();
    }

    private static JsonNode parse(String text) {
        try {
            return Pki.JSON.readTree(text);
        } catch (IOException e) {
            return Pki.JSON.createObjectNode();
        }
    }

    /** The 1-minute load average: the machine is shared, and a busy one slows every number here. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void note(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench: " + format + "%n", args);
    }

    private void row(String what, String format, double value, String notes) {
        table.add(new String[] {what, String.format(Locale.ROOT, format, value), notes});
    }

    private void print(String javaOpts, double wallSeconds) {
        System.out.printf(Locale.ROOT, "%nweft mesh benchmark: a lighthouse and %d nodes on one lab segment, %d cores,"
                + " WEFT_JAVA_OPTS=%s, wall time %.0f s, load average at the start %s, at the end %s%n%n", nodes,
                Runtime.getRuntime().availableProcessors(), javaOpts, wallSeconds, loadAtStart, loadAverage());
        System.out.println("| measure | value | how |");
        System.out.println("|---|---|---|");
        for (String[] r : table) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", r[0], r[1], r[2]);
        }
    }
}

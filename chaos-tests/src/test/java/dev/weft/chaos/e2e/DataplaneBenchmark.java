package dev.weft.chaos.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import dev.weft.chaos.lab.PingResult;
import dev.weft.chaos.lab.Segment;
import dev.weft.node.config.NodeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Throughput, latency and memory of weft beside the raw underlay, {@code wireguard-go} and
 * Nebula, on one two-namespace testbed in one run (numbers of one run are comparable; numbers of
 * different runs on a shared machine are not). Not a test: {@code scripts/bench-dataplane}.
 *
 * <p>Per overlay, from a fresh start of both daemons: the time from launching the first daemon to the
 * first answered ping, and iperf3 TCP right after that ping in 1-second intervals (the first 3 s are
 * reported, or {@code --start-seconds}: how soon a node reaches its speed). Then, after a 3-second warm-up: iperf3 TCP single
 * stream and 4 streams (a → b), ping RTT (50 echoes), 64-byte UDP datagrams at a rate no overlay
 * reaches here (received packets per second and loss), each daemon's resident memory idle (at the
 * first ping), at its peak under load and rested (8 s after the last load), the CPU time both daemons used per transferred gigabyte and each daemon's
 * CPU in percent of one core during the TCP runs.
 */
public final class DataplaneBenchmark {
    private static final int MTU = NodeConfig.DEFAULT_MTU;
    /** How many 1-second iperf3 intervals after the first ping the start row reports, unless told. */
    static final int START_SECONDS = 3;
    private static final int MAX_START_SECONDS = 60;
    private static final int MAX_RUNS = 20;
    private static final List<String> OVERLAYS = List.of("veth", "weft", "wireguard-go", "nebula");
    /** 64-byte UDP is sent at this rate, more than any overlay (or the bare veth) carries here. */
    private static final String UDP_RATE = "2G";
    /** How long after the last load the rested RSS is taken: longer than weft's native-heap trim interval (5 s). */
    private static final Duration REST = Duration.ofSeconds(8);

    private final Lab lab;
    private final Host a;
    private final Host b;
    private final int seconds;
    private final boolean startOnly;
    private final int startSeconds;
    private final String weftJavaOpts;
    private final boolean nmt;
    private final List<String> nmtReports = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();

    /**
     * One overlay's numbers. {@code startGbps} holds one value per second after the first ping;
     * {@code corePercent} one value per daemon (percent of one core over the TCP runs).
     */
    record Row(String overlay, double upSeconds, double[] startGbps, double singleGbps, double fourGbps, double rttMs,
               double udpPps, double udpLossPercent, long idleRssKb, long loadRssKb, long restedRssKb,
               double cpuSecondsPerGb, double[] corePercent) {}

    private DataplaneBenchmark(Lab lab, int seconds, boolean startOnly, int startSeconds, String weftJavaOpts,
                               boolean nmt) {
        this.nmt = nmt;
        this.startSeconds = startSeconds;
        this.lab = lab;
        this.seconds = seconds;
        this.startOnly = startOnly;
        this.weftJavaOpts = weftJavaOpts;
        Segment net = lab.internet();
        this.a = lab.host("a", net);
        this.b = lab.host("b", net);
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        boolean startOnly = false;
        int startSeconds = START_SECONDS;
        boolean nmt = false;
        int runs = 1;
        String javaOpts = null;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--start-only" -> startOnly = true;
                case "--start-seconds" -> {
                    startSeconds = i + 1 < args.length && args[i + 1].matches("[0-9]{1,2}") ? Integer.parseInt(args[++i]) : 0;
                    if (startSeconds < 1 || startSeconds > MAX_START_SECONDS) {
                        System.err.println("bench-dataplane: --start-seconds takes a number of seconds, 1 to "
                                + MAX_START_SECONDS);
                        System.exit(2);
                    }
                }
                case "--java-opts" -> javaOpts = args[++i];
                case "--nmt" -> nmt = true;
                case "--runs" -> {
                    runs = i + 1 < args.length && args[i + 1].matches("[0-9]{1,2}") ? Integer.parseInt(args[++i]) : 0;
                    if (runs < 1 || runs > MAX_RUNS) {
                        System.err.println("bench-dataplane: --runs takes a number of rounds, 1 to " + MAX_RUNS);
                        System.exit(2);
                    }
                }
                case "--help", "-h" -> {
                    System.out.println("usage: bench-dataplane [--no-build] [--seconds N] [--start-only] [--start-seconds N]"
                            + " [--java-opts 'OPTS']"
                            + " [--nmt] [--runs N] [veth|weft|wireguard-go|nebula ...]");
                    System.out.println("  --no-build         (scripts/bench-dataplane) use the last scripts/build's jar and"
                            + " AOT cache");
                    System.out.println("  --start-only       only the fresh start: time to the first ping and the first "
                            + START_SECONDS + " s of iperf3 (or --start-seconds)");
                    System.out.println("  --start-seconds N  report N 1-second intervals after the first ping instead of "
                            + START_SECONDS + " (how long a node takes to reach its speed; 1-" + MAX_START_SECONDS + ")");
                    System.out.println("  --java-opts OPTS   WEFT_JAVA_OPTS for the weft nodes (e.g. to compare JVM options;"
                            + " they come after the launcher's)");
                    System.out.println("  --nmt              weft with -XX:NativeMemoryTracking=summary; prints node a's"
                            + " jcmd VM.native_memory summary idle and after the load");
                    System.out.println("  --runs N           N rounds of all the overlays named, one after the other (1-"
                            + MAX_RUNS + "); prints every round's rows, then each column's median per overlay and the"
                            + " ratios of the medians (single runs on a shared host move by several per cent)");
                    return;
                }
                default -> only.add(args[i]);
            }
        }
        if (only.isEmpty()) {
            only = OVERLAYS;
        }
        try (Lab lab = Lab.create()) {
            if (nmt) {
                javaOpts = "-XX:NativeMemoryTracking=summary" + (javaOpts == null ? "" : " " + javaOpts);
            }
            DataplaneBenchmark bench = new DataplaneBenchmark(lab, seconds, startOnly, startSeconds, javaOpts, nmt);
            for (String overlay : only) {
                if (!OVERLAYS.contains(overlay)) {
                    System.err.println("bench-dataplane: unknown overlay " + overlay + " (" + String.join(", ", OVERLAYS) + ")");
                    System.exit(2);
                }
            }
            for (int round = 1; round <= runs; round++) {
                if (runs > 1) {
                    System.err.printf(Locale.ROOT, "bench: round %d of %d%n", round, runs);
                }
                for (String overlay : only) {
                    switch (overlay) {
                        case "veth" -> bench.veth();
                        case "weft" -> bench.weft();
                        case "wireguard-go" -> bench.wireguardGo();
                        default -> bench.nebula();
                    }
                }
            }
            bench.print(runs);
        }
    }

    // ------------------------------------------------------------------ overlays

    private void veth() throws Exception {
        LabProcess server = iperfServer("veth");
        long launched = System.nanoTime();
        a.ping(b.ipv4(), Duration.ofSeconds(30));
        rows.add(measure("veth (underlay)", launched, server, b.ipv4(), List.of()));
    }

    private void weft() throws Exception {
        Pki pki = Pki.create(Files.createTempDirectory(a.dir(), "weft-pki-")); // a new one each --runs round
        String keyA = pki.node("a", "100.64.0.1/10");
        String keyB = pki.node("b", "100.64.0.2/10");
        String devA = lab.interfaceName("wa");
        String devB = lab.interfaceName("wb");
        Path configA = pki.config("a", WeftProcess.staticPeerConfig(devA, keyB, b.ipv4(), "100.64.0.2/32"));
        Path configB = pki.config("b", WeftProcess.staticPeerConfig(devB, keyA, a.ipv4(), "100.64.0.1/32"));
        Map<String, String> env = weftJavaOpts == null ? Map.of() : Map.of("WEFT_JAVA_OPTS", weftJavaOpts);
        LabProcess server = iperfServer("weft");
        // weft's default tun.mtu is the MTU all three overlays get here
        long launched = System.nanoTime();
        WeftProcess nodeA = WeftProcess.start(a, devA, configA, env);
        WeftProcess nodeB = WeftProcess.start(b, devB, configB, env);
        InetAddress target = InetAddress.getByName("100.64.0.2");
        a.ping(target, Duration.ofSeconds(30));
        nativeMemory("idle, after the first ping", nodeA.process);
        rows.add(measure("weft", launched, server, target, List.of(nodeA.process, nodeB.process)));
        nativeMemory("after the load", nodeA.process);
        nodeA.process.stop(Duration.ofSeconds(20));
        nodeB.process.stop(Duration.ofSeconds(20));
    }


    private void wireguardGo() throws Exception {
        LabProcess server = iperfServer("wireguard-go");
        long launched = System.nanoTime();
        WireGuardGo goA = WireGuardGo.start(lab, a);
        WireGuardGo goB = WireGuardGo.start(lab, b);
        goA.configure(goB.publicKey, new InetSocketAddress(b.ipv4(), WireGuardGo.PORT), "100.64.1.2/32",
                List.of("100.64.1.1/24"));
        goB.configure(goA.publicKey, new InetSocketAddress(a.ipv4(), WireGuardGo.PORT), "100.64.1.1/32",
                List.of("100.64.1.2/24"));
        InetAddress target = InetAddress.getByName("100.64.1.2");
        a.ping(target, Duration.ofSeconds(30));
        rows.add(measure("wireguard-go", launched, server, target, List.of(goA.process, goB.process)));
        goA.stop();
        goB.stop();
    }

    private void nebula() throws Exception {
        Path dir = Files.createTempDirectory(a.dir(), "nebula-pki-");
        a.exec(List.of("nebula-cert", "ca", "-name", "lab", "-out-crt", dir.resolve("ca.crt").toString(),
                "-out-key", dir.resolve("ca.key").toString()), Duration.ofSeconds(30)).requireOk();
        String devA = lab.interfaceName("nb");
        String devB = lab.interfaceName("nb");
        LabProcess server = iperfServer("nebula");
        long launched = System.nanoTime();
        LabProcess nebA = startNebula(a, dir, "a", "100.64.2.1/24", devA, b, "100.64.2.2");
        LabProcess nebB = startNebula(b, dir, "b", "100.64.2.2/24", devB, a, "100.64.2.1");
        InetAddress target = InetAddress.getByName("100.64.2.2");
        a.ping(target, Duration.ofSeconds(30));
        rows.add(measure("nebula", launched, server, target, List.of(nebA, nebB)));
        nebA.stop(Duration.ofSeconds(10));
        nebB.stop(Duration.ofSeconds(10));
    }

    private static LabProcess startNebula(Host h, Path dir, String name, String ip, String dev, Host peer,
                                          String peerOverlay) throws IOException {
        h.exec(List.of("nebula-cert", "sign", "-ca-crt", dir.resolve("ca.crt").toString(), "-ca-key",
                dir.resolve("ca.key").toString(), "-name", name, "-ip", ip, "-out-crt",
                dir.resolve(name + ".crt").toString(), "-out-key", dir.resolve(name + ".key").toString()),
                Duration.ofSeconds(30)).requireOk();
        Path config = dir.resolve(name + ".yml");
        Files.writeString(config, """
                pki: {ca: %s, cert: %s, key: %s}
                static_host_map: {"%s": ["%s:4243"]}
                lighthouse: {am_lighthouse: false, hosts: []}
                listen: {host: 0.0.0.0, port: 4243}
                punchy: {punch: false}
                tun: {dev: %s, mtu: %d}
                logging: {level: warning}
                firewall:
                  outbound: [{port: any, proto: any, host: any}]
                  inbound: [{port: any, proto: any, host: any}]
                """.formatted(dir.resolve("ca.crt"), dir.resolve(name + ".crt"), dir.resolve(name + ".key"),
                peerOverlay, peer.ipv4().getHostAddress(), dev, MTU));
        LabProcess p = h.start("nebula-" + name, "nebula", "-config", config.toString());
        for (int i = 0; i < 100 && !h.exec("ip", "link", "show", "dev", dev).ok(); i++) {
            sleep(100);
        }
        return p;
    }

    // ------------------------------------------------------------------ measurement

    /** An iperf3 server on b, started before the daemons so that the start run can begin at the first ping. */
    private LabProcess iperfServer(String overlay) {
        LabProcess server = b.start("iperf3-" + overlay.replaceAll("[^A-Za-z0-9._-]", ""), "iperf3", "-s", "-p", "5201",
                "--forceflush");
        server.awaitOutput("Server listening", Duration.ofSeconds(10));
        return server;
    }

    /**
     * Measures an overlay whose daemons were launched at {@code launchedNanos} and whose first ping
     * has just been answered.
     */
    private Row measure(String overlay, long launchedNanos, LabProcess server, InetAddress target,
                        List<LabProcess> daemons) throws Exception {
        double upSeconds = (System.nanoTime() - launchedNanos) / 1e9;
        System.err.printf(Locale.ROOT, "bench: %s: first ping %.1f s after launch%n", overlay, upSeconds);
        long idleRss = 0;
        for (LabProcess d : daemons) {
            idleRss = Math.max(idleRss, rssKb(d.pid()));
        }
        long[] peakRss = new long[1];
        // Right after the first ping, as a user would: how soon the fresh daemons carry full speed.
        double[] startGbps = iperfIntervals(target, startSeconds, daemons, peakRss);
        if (startOnly) {
            server.stop(Duration.ofSeconds(5));
            return new Row(overlay, upSeconds, startGbps, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    idleRss, peakRss[0], 0, Double.NaN, new double[0]);
        }
        // Warm-up, not measured: daemons run for months, so steady state is what counts (a JIT
        // compiles weft's hot paths in its first seconds; the Go and C peers need no warm-up).
        iperf(target, 1, 3, daemons, peakRss);
        PingResult ping = a.pingStats(target, 50, Duration.ofMillis(20));
        long[] cpuBefore = cpuTicks(daemons);
        long wallBefore = System.nanoTime();
        Load one = iperf(target, 1, seconds, daemons, peakRss);
        Load four = iperf(target, 4, seconds, daemons, peakRss);
        double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
        long[] cpuAfter = cpuTicks(daemons);
        Udp udp = udp64(target, daemons, peakRss);
        server.stop(Duration.ofSeconds(5));
        // A daemon's memory while it idles between bursts, which is most of its life.
        sleep(daemons.isEmpty() ? 0 : REST.toMillis());
        long restedRss = 0;
        for (LabProcess d : daemons) {
            restedRss = Math.max(restedRss, rssKb(d.pid()));
        }
        double gb = (one.bytes + four.bytes) / 1e9;
        long ticks = 0;
        double[] corePercent = new double[daemons.size()];
        for (int i = 0; i < daemons.size(); i++) {
            long t = cpuAfter[i] - cpuBefore[i];
            ticks += t;
            corePercent[i] = t / 100.0 / wallSeconds * 100;
        }
        double cpuPerGb = daemons.isEmpty() || gb == 0 ? Double.NaN : ticks / 100.0 / gb;
        return new Row(overlay, upSeconds, startGbps, one.gbps, four.gbps, ping.avg().toNanos() / 1e6, udp.pps,
                udp.lossPercent, idleRss, peakRss[0], restedRss, cpuPerGb, corePercent);
    }

    private record Load(double gbps, long bytes) {}

    private record Udp(double pps, double lossPercent) {}

    private Load iperf(InetAddress target, int streams, int seconds, List<LabProcess> daemons, long[] peakRss)
            throws Exception {
        JsonNode end = runIperf(target, List.of("-t", String.valueOf(seconds), "-P", String.valueOf(streams)), seconds,
                daemons, peakRss).path("end");
        JsonNode received = end.path("sum_received");
        // a TCP that retransmits lost segments on the inner path: drops in a daemon, its socket or TUN queue
        System.err.printf(Locale.ROOT, "bench: %d stream(s), %d s: %d TCP retransmits%n", streams, seconds,
                end.path("sum_sent").path("retransmits").asLong());
        return new Load(received.get("bits_per_second").asDouble() / 1e9, received.get("bytes").asLong());
    }

    /**
     * One stream for {@code seconds} in 1-second intervals, Gb/s per interval as the sender counts
     * it (a TCP send buffer's worth ahead of the receiver, a few ms at these rates).
     */
    private double[] iperfIntervals(InetAddress target, int seconds, List<LabProcess> daemons, long[] peakRss)
            throws Exception {
        JsonNode intervals = runIperf(target, List.of("-t", String.valueOf(seconds), "-i", "1"), seconds, daemons, peakRss)
                .path("intervals");
        double[] gbps = new double[Math.min(seconds, intervals.size())];
        for (int i = 0; i < gbps.length; i++) {
            gbps[i] = intervals.get(i).path("sum").path("bits_per_second").asDouble() / 1e9;
        }
        return gbps;
    }

    /** 64-byte UDP datagrams at {@link #UDP_RATE}: packets per second that arrived, and the share lost. */
    private Udp udp64(InetAddress target, List<LabProcess> daemons, long[] peakRss) throws Exception {
        JsonNode received = runIperf(target, List.of("-u", "-l", "64", "-b", UDP_RATE, "-t", String.valueOf(seconds)), seconds,
                daemons, peakRss).path("end").path("sum_received");
        long packets = received.path("packets").asLong() - received.path("lost_packets").asLong();
        return new Udp(packets / received.path("seconds").asDouble(), received.path("lost_percent").asDouble());
    }

    /** Runs the iperf3 client on a against b with {@code args}, sampling the daemons' RSS meanwhile. */
    private JsonNode runIperf(InetAddress target, List<String> args, int seconds, List<LabProcess> daemons, long[] peakRss)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (running.get()) {
                for (LabProcess d : daemons) {
                    peakRss[0] = Math.max(peakRss[0], rssKb(d.pid()));
                }
                sleep(250);
            }
        });
        List<String> command = new ArrayList<>(List.of("iperf3", "-c", target.getHostAddress(), "-p", "5201", "-J"));
        command.addAll(args);
        ExecResult r = a.exec(command, Duration.ofSeconds(seconds + 60L));
        running.set(false);
        sampler.join();
        JsonNode json = Pki.JSON.readTree(r.stdout());
        if (!r.ok() || json.path("end").path("sum_received").isMissingNode()) {
            throw new IllegalStateException("iperf3 " + args + " failed: " + json.path("error").asText(r.stderr()));
        }
        return json;
    }

    /** With --nmt: node a's native memory summary now (its RSS beside it, as NMT counts committed, not resident). */
    private void nativeMemory(String when, LabProcess node) {
        if (!nmt) {
            return;
        }
        ExecResult r = a.exec(List.of(System.getProperty("java.home") + "/bin/jcmd", String.valueOf(node.pid()),
                "VM.native_memory", "summary", "scale=KB"), Duration.ofSeconds(60));
        nmtReports.add("weft node a, " + when + ": RSS " + rssKb(node.pid()) + " KB, threads " + threads(node.pid())
                + "\n" + r.stdout().strip());
    }

    private static String threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return line.substring("Threads:".length()).strip();
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return "?";
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone
        }
        return 0;
    }

    /** utime + stime of each process, in clock ticks (USER_HZ, 100 on Linux). */
    private static long[] cpuTicks(List<LabProcess> daemons) {
        long[] ticks = new long[daemons.size()];
        for (int i = 0; i < ticks.length; i++) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(daemons.get(i).pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks[i] = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException e) {
                // gone
            }
        }
        return ticks;
    }

    private void print(int runs) {
        System.out.printf(Locale.ROOT, "%nweft dataplane benchmark: two namespaces on one bridge, MTU %d inside, "
                + "iperf3 %d s per run, %d cores%s%n%n", MTU, seconds, Runtime.getRuntime().availableProcessors(),
                weftJavaOpts == null ? "" : ", weft with WEFT_JAVA_OPTS=" + weftJavaOpts);
        printHeader();
        printRows(rows);
        for (String report : nmtReports) {
            System.out.printf("%n%s%n", report);
        }
        List<Row> summary = rows;
        if (runs > 1) {
            summary = medians();
            System.out.printf(Locale.ROOT, "%neach column's median of the %d rounds:%n%n", runs);
            printHeader();
            printRows(summary);
        }
        Row weft = find(summary, "weft");
        if (weft != null && !startOnly) {
            System.out.println();
            for (Row r : summary) {
                if (r != weft) {
                    System.out.printf(Locale.ROOT,
                            "weft / %-16s  1 stream %.2f   4 streams %.2f   RTT %.2f   64 B UDP pps %.2f   CPU s / GB %s%n",
                            r.overlay, weft.singleGbps / r.singleGbps, weft.fourGbps / r.fourGbps, weft.rttMs / r.rttMs,
                            weft.udpPps / r.udpPps, num(weft.cpuSecondsPerGb / r.cpuSecondsPerGb, "%.2f"));
                }
            }
        }
    }

    private void printHeader() {
        System.out.println("| overlay | first ping s | first " + startSeconds + " s Gb/s | 1 stream Gb/s | 4 streams Gb/s | RTT ms"
                + " | 64 B UDP kpps (loss %) | idle RSS MB | load RSS MB | rested RSS MB | CPU s / GB"
                + " | CPU % of a core (a / b) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    }

    private static void printRows(List<Row> rows) {
        for (Row r : rows) {
            StringBuilder start = new StringBuilder();
            for (double g : r.startGbps) {
                start.append(start.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", g));
            }
            StringBuilder cores = new StringBuilder();
            for (double c : r.corePercent) {
                cores.append(cores.isEmpty() ? "" : " / ").append(String.format(Locale.ROOT, "%.0f", c));
            }
            System.out.printf(Locale.ROOT, "| %s | %.1f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.overlay,
                    r.upSeconds, start, num(r.singleGbps, "%.2f"), num(r.fourGbps, "%.2f"), num(r.rttMs, "%.3f"),
                    Double.isNaN(r.udpPps) ? "-" : String.format(Locale.ROOT, "%.0f (%.0f)", r.udpPps / 1000,
                            r.udpLossPercent), mb(r.idleRssKb), mb(r.loadRssKb), mb(r.restedRssKb),
                    num(r.cpuSecondsPerGb, "%.2f"),
                    cores.isEmpty() ? "-" : cores);
        }
    }

    /** One row per overlay, in the order first measured: each column the median of that overlay's rounds. */
    private List<Row> medians() {
        Map<String, List<Row>> byOverlay = new LinkedHashMap<>();
        for (Row r : rows) {
            byOverlay.computeIfAbsent(r.overlay, k -> new ArrayList<>()).add(r);
        }
        List<Row> out = new ArrayList<>();
        for (List<Row> rs : byOverlay.values()) {
            double[] start = new double[rs.get(0).startGbps.length];
            for (int i = 0; i < start.length; i++) {
                int at = i;
                start[i] = median(rs, r -> at < r.startGbps.length ? r.startGbps[at] : Double.NaN);
            }
            double[] cores = new double[rs.get(0).corePercent.length];
            for (int i = 0; i < cores.length; i++) {
                int at = i;
                cores[i] = median(rs, r -> at < r.corePercent.length ? r.corePercent[at] : Double.NaN);
            }
            out.add(new Row(rs.get(0).overlay, median(rs, Row::upSeconds), start, median(rs, Row::singleGbps),
                    median(rs, Row::fourGbps), median(rs, Row::rttMs), median(rs, Row::udpPps),
                    median(rs, Row::udpLossPercent), (long) median(rs, r -> r.idleRssKb), (long) median(rs, r -> r.loadRssKb),
                    (long) median(rs, r -> r.restedRssKb), median(rs, Row::cpuSecondsPerGb), cores));
        }
        return out;
    }

    /** The median of a column (the mean of the middle two for an even count); NaN where every round has none. */
    private static double median(List<Row> rs, java.util.function.ToDoubleFunction<Row> column) {
        double[] v = rs.stream().mapToDouble(column).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String num(double v, String format) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    private static Row find(List<Row> rows, String overlay) {
        for (Row r : rows) {
            if (r.overlay.equals(overlay)) {
                return r;
            }
        }
        return null;
    }

    private static String mb(long kb) {
        return kb == 0 ? "-" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

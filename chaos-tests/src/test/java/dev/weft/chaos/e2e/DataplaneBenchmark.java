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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Throughput, latency and memory of weft beside the raw underlay, {@code wireguard-go} and
 * Nebula, on one two-namespace testbed in one run (numbers of one run are comparable; numbers of
 * different runs on a shared machine are not). Not a test: {@code scripts/bench-dataplane}.
 *
 * <p>Per overlay, after a 3-second warm-up: iperf3 TCP single stream and 4 streams (a → b), ping
 * RTT (50 echoes), and each daemon's resident memory idle and at its peak under load, plus the CPU
 * time both daemons used per transferred gigabyte (where the time goes).
 */
public final class DataplaneBenchmark {
    private static final int MTU = NodeConfig.DEFAULT_MTU;

    private final Lab lab;
    private final Host a;
    private final Host b;
    private final int seconds;
    private final List<Row> rows = new ArrayList<>();

    record Row(String overlay, double singleGbps, double fourGbps, double rttMs, long idleRssKb, long loadRssKb,
               double cpuSecondsPerGb) {}

    private DataplaneBenchmark(Lab lab, int seconds) {
        this.lab = lab;
        this.seconds = seconds;
        Segment net = lab.internet();
        this.a = lab.host("a", net);
        this.b = lab.host("b", net);
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("usage: bench-dataplane [--seconds N] [veth|weft|wireguard-go|nebula ...]");
                    return;
                }
                default -> only.add(args[i]);
            }
        }
        if (only.isEmpty()) {
            only = List.of("veth", "weft", "wireguard-go", "nebula");
        }
        try (Lab lab = Lab.create()) {
            DataplaneBenchmark bench = new DataplaneBenchmark(lab, seconds);
            for (String overlay : only) {
                switch (overlay) {
                    case "veth" -> bench.veth();
                    case "weft" -> bench.weft();
                    case "wireguard-go" -> bench.wireguardGo();
                    case "nebula" -> bench.nebula();
                    default -> throw new IllegalArgumentException("unknown overlay " + overlay);
                }
            }
            bench.print();
        }
    }

    // ------------------------------------------------------------------ overlays

    private void veth() throws Exception {
        rows.add(measure("veth (underlay)", b.ipv4(), List.of()));
    }

    private void weft() throws Exception {
        Pki pki = Pki.create(Files.createDirectories(a.dir().resolve("weft-pki")));
        String keyA = pki.node("a", "100.64.0.1/10");
        String keyB = pki.node("b", "100.64.0.2/10");
        String devA = lab.interfaceName("wa");
        String devB = lab.interfaceName("wb");
        // weft's default tun.mtu is the MTU all three overlays get here
        WeftProcess nodeA = WeftProcess.start(a, devA, pki.config("a", WeftProcess.staticPeerConfig(devA, keyB, b.ipv4(), "100.64.0.2/32")));
        WeftProcess nodeB = WeftProcess.start(b, devB, pki.config("b", WeftProcess.staticPeerConfig(devB, keyA, a.ipv4(), "100.64.0.1/32")));
        InetAddress target = InetAddress.getByName("100.64.0.2");
        a.ping(target, Duration.ofSeconds(30));
        rows.add(measure("weft", target, List.of(nodeA.process, nodeB.process)));
        nodeA.process.stop(Duration.ofSeconds(20));
        nodeB.process.stop(Duration.ofSeconds(20));
    }


    private void wireguardGo() throws Exception {
        WireGuardGo goA = WireGuardGo.start(lab, a);
        WireGuardGo goB = WireGuardGo.start(lab, b);
        goA.configure(goB.publicKey, new InetSocketAddress(b.ipv4(), WireGuardGo.PORT), "100.64.1.2/32",
                List.of("100.64.1.1/24"));
        goB.configure(goA.publicKey, new InetSocketAddress(a.ipv4(), WireGuardGo.PORT), "100.64.1.1/32",
                List.of("100.64.1.2/24"));
        InetAddress target = InetAddress.getByName("100.64.1.2");
        a.ping(target, Duration.ofSeconds(30));
        rows.add(measure("wireguard-go", target, List.of(goA.process, goB.process)));
        goA.stop();
        goB.stop();
    }

    private void nebula() throws Exception {
        Path dir = Files.createDirectories(a.dir().resolve("nebula-pki"));
        a.exec(List.of("nebula-cert", "ca", "-name", "lab", "-out-crt", dir.resolve("ca.crt").toString(),
                "-out-key", dir.resolve("ca.key").toString()), Duration.ofSeconds(30)).requireOk();
        String devA = lab.interfaceName("nb");
        String devB = lab.interfaceName("nb");
        LabProcess nebA = startNebula(a, dir, "a", "100.64.2.1/24", devA, b, "100.64.2.2");
        LabProcess nebB = startNebula(b, dir, "b", "100.64.2.2/24", devB, a, "100.64.2.1");
        InetAddress target = InetAddress.getByName("100.64.2.2");
        a.ping(target, Duration.ofSeconds(30));
        rows.add(measure("nebula", target, List.of(nebA, nebB)));
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

    private Row measure(String overlay, InetAddress target, List<LabProcess> daemons) throws Exception {
        System.err.printf("bench: %s ...%n", overlay);
        sleep(1000);
        long idleRss = 0;
        for (LabProcess d : daemons) {
            idleRss = Math.max(idleRss, rssKb(d.pid()));
        }
        LabProcess server = b.start("iperf3-" + overlay.replaceAll("[^A-Za-z0-9._-]", ""), "iperf3", "-s", "-p", "5201", "--forceflush");
        server.awaitOutput("Server listening", Duration.ofSeconds(10));
        long[] peakRss = new long[1];
        // Warm-up, not measured: daemons run for months, so steady state is what counts (a JIT
        // compiles weft's hot paths in its first seconds; the Go and C peers need no warm-up).
        iperf(target, 1, 3, daemons, peakRss);
        PingResult ping = a.pingStats(target, 50, Duration.ofMillis(20));
        long cpuBefore = cpuTicks(daemons);
        Load one = iperf(target, 1, seconds, daemons, peakRss);
        Load four = iperf(target, 4, seconds, daemons, peakRss);
        long cpuTicks = cpuTicks(daemons) - cpuBefore;
        server.stop(Duration.ofSeconds(5));
        double gb = (one.bytes + four.bytes) / 1e9;
        double cpuPerGb = daemons.isEmpty() || gb == 0 ? Double.NaN : cpuTicks / 100.0 / gb;
        return new Row(overlay, one.gbps, four.gbps, ping.avg().toNanos() / 1e6, idleRss, peakRss[0], cpuPerGb);
    }

    private record Load(double gbps, long bytes) {}

    private Load iperf(InetAddress target, int streams, int seconds, List<LabProcess> daemons, long[] peakRss)
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
        ExecResult r = a.exec(List.of("iperf3", "-c", target.getHostAddress(), "-p", "5201", "-t",
                String.valueOf(seconds), "-P", String.valueOf(streams), "-J"), Duration.ofSeconds(seconds + 60L));
        running.set(false);
        sampler.join();
        JsonNode json = Pki.JSON.readTree(r.stdout());
        JsonNode received = json.path("end").path("sum_received");
        if (!r.ok() || received.isMissingNode()) {
            throw new IllegalStateException("iperf3 failed: " + json.path("error").asText(r.stderr()));
        }
        return new Load(received.get("bits_per_second").asDouble() / 1e9, received.get("bytes").asLong());
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

    /** utime + stime of the processes, in clock ticks (USER_HZ, 100 on Linux). */
    private static long cpuTicks(List<LabProcess> daemons) {
        long sum = 0;
        for (LabProcess d : daemons) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(d.pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException e) {
                // gone
            }
        }
        return sum;
    }

    private void print() {
        System.out.printf(Locale.ROOT, "%nweft dataplane benchmark: two namespaces on one bridge, MTU %d inside, "
                + "iperf3 %d s per run, %d cores%n%n", MTU, seconds, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "| %-16s | %11s | %11s | %8s | %10s | %10s | %11s |%n", "overlay", "1 stream Gb/s",
                "4 streams Gb/s", "RTT ms", "idle RSS MB", "load RSS MB", "CPU s / GB");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-16s | %13.2f | %14.2f | %8.3f | %11s | %11s | %11s |%n", r.overlay,
                    r.singleGbps, r.fourGbps, r.rttMs, mb(r.idleRssKb), mb(r.loadRssKb),
                    Double.isNaN(r.cpuSecondsPerGb) ? "-" : String.format(Locale.ROOT, "%.2f", r.cpuSecondsPerGb));
        }
        Row weft = find("weft");
        if (weft != null) {
            System.out.println();
            for (Row r : rows) {
                if (r != weft) {
                    System.out.printf(Locale.ROOT, "weft / %-16s  1 stream %.2f   4 streams %.2f   RTT %.2f%n", r.overlay,
                            weft.singleGbps / r.singleGbps, weft.fourGbps / r.fourGbps, weft.rttMs / r.rttMs);
                }
            }
        }
    }

    private Row find(String overlay) {
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

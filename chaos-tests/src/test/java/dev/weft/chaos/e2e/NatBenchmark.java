package dev.weft.chaos.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.e2e.NatLab.Pair;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import dev.weft.chaos.lab.PingResult;
import dev.weft.chaos.lab.Wire;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 12's benchmark: per NAT pair of {@link NatLab}, the time from node start to the first answered ping,
 * to a direct path, and the path finally used, for weft and for Nebula (relays on, relays off) in the same lab
 * in the same run; then relayed against direct throughput (iperf3) and RTT. Not a test: {@code scripts/bench-nat}.
 *
 * <p>The path is judged on the wire for every overlay alike ({@link Wire}): pings of 1200 bytes are big
 * packets on the internet, punching probes and handshakes are small. "Direct" is the moment big packets
 * cross between the two sites' public addresses both ways (for the same-LAN pair: between the two hosts on
 * their LAN); "relay" is big packets through lh1 or lh2 and none between the sites.
 */
public final class NatBenchmark {
    private static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) received");

    /** An overlay under test: starting its nodes and where to reach them. */
    private interface Overlay {
        String name();

        void launch(List<String> names);

        boolean isUp(String name);

        InetAddress address(String name);

        void stopAll();
    }

    /** One pair's timings in seconds from launching the sites (NaN: never), and its final path. */
    private record Result(String overlay, Pair pair, double up, double firstAnswer, double direct, String path) {}

    private final Lab lab;
    private final NatLab net;
    private final int directSeconds;
    private final int iperfSeconds;
    private final List<Result> results = new ArrayList<>();
    private final List<String[]> transfer = new ArrayList<>();

    private NatBenchmark(Lab lab, int directSeconds, int iperfSeconds) {
        this.lab = lab;
        this.net = NatLab.build(lab);
        this.directSeconds = directSeconds;
        this.iperfSeconds = iperfSeconds;
    }

    public static void main(String[] args) throws Exception {
        int direct = 30;
        int iperf = 5;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--direct-seconds" -> direct = positive(args, ++i);
                case "--iperf-seconds" -> iperf = positive(args, ++i);
                case "--help", "-h" -> {
                    System.out.println("usage: bench-nat [--direct-seconds S (30)] [--iperf-seconds S (5)]"
                            + " [weft|nebula-relays|nebula-no-relays ...]");
                    return;
                }
                default -> only.add(args[i]);
            }
        }
        if (only.isEmpty()) {
            only = List.of("weft", "nebula-relays", "nebula-no-relays");
        }
        long wall = System.nanoTime();
        try (Lab lab = Lab.create()) {
            NatBenchmark bench = new NatBenchmark(lab, direct, iperf);
            for (String overlay : only) {
                bench.run(switch (overlay) {
                    case "weft" -> bench.weft();
                    case "nebula-relays" -> bench.nebula(true);
                    case "nebula-no-relays" -> bench.nebula(false);
                    default -> throw new IllegalArgumentException("unknown overlay " + overlay + " (see --help)");
                });
            }
            bench.print((System.nanoTime() - wall) / 1e9);
        }
    }

    private static int positive(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        try {
            int n = Integer.parseInt(args[i]);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(args[i - 1] + " needs a positive whole number, not " + args[i]);
    }

    // ------------------------------------------------------------------ overlays

    private Overlay weft() throws IOException {
        Pki pki = Pki.create(Files.createDirectories(net.lh1.dir().resolve("pki")));
        NatMesh mesh = new NatMesh(net, pki, Map.of("WEFT_JAVA_OPTS", "-Xmx64m"));
        mesh.prepare();
        return new Overlay() {
            public String name() {
                return "weft";
            }

            public void launch(List<String> names) {
                mesh.launch(names);
            }

            public boolean isUp(String name) {
                return mesh.isUp(name);
            }

            public InetAddress address(String name) {
                return mesh.node(name).overlay();
            }

            public void stopAll() {
                for (NatMesh.Node n : mesh.running()) {
                    n.process().stop(Duration.ofSeconds(20));
                }
            }
        };
    }

    private Overlay nebula(boolean relays) throws IOException {
        NebulaMesh mesh = new NebulaMesh(net, relays, net.lh1.dir().resolve(relays ? "nebula-r" : "nebula-d"));
        mesh.prepare();
        String name = relays ? "nebula (relays on)" : "nebula (relays off)";
        return new Overlay() {
            public String name() {
                return name;
            }

            public void launch(List<String> names) {
                mesh.launch(names);
            }

            public boolean isUp(String n) {
                return mesh.isUp(n);
            }

            public InetAddress address(String n) {
                return mesh.node(n).overlay();
            }

            public void stopAll() {
                mesh.stopAll();
            }
        };
    }

    // ------------------------------------------------------------------ one overlay

    private void run(Overlay o) throws InterruptedException {
        note("%s: lighthouses up ...", o.name());
        o.launch(List.of("lh1", "lh2"));
        awaitUp(o, List.of("lh1", "lh2"), System.nanoTime());
        Thread.sleep(1000);
        List<String> sites = net.sites().stream().map(NatLab.Site::name).toList();
        long t0 = System.nanoTime();
        o.launch(sites);
        Map<String, Double> up = awaitUp(o, sites, t0);
        Map<Pair, Result> byPair = new ConcurrentHashMap<>();
        NatLab.atOnce(net.pairs(), p -> byPair.put(p, measure(o, p, t0,
                Math.max(up.get(p.a().name()), up.get(p.b().name())))));
        for (Pair p : net.pairs()) {
            Result r = byPair.get(p);
            results.add(r);
            note("%s %s: up %.1f s, first answer %.2f s, direct %.2f s, final path %s", o.name(), p.label(), r.up(),
                    r.firstAnswer(), r.direct(), r.path());
        }
        transfer(o, byPair);
        o.stopAll();
        net.forgetAllConnections(); // the next overlay starts with empty NAT tables
    }

    private Map<String, Double> awaitUp(Overlay o, List<String> names, long t0) throws InterruptedException {
        Map<String, Double> up = new ConcurrentHashMap<>();
        long deadline = t0 + Duration.ofSeconds(180).toNanos();
        while (up.size() < names.size() && System.nanoTime() < deadline) {
            for (String n : names) {
                if (!up.containsKey(n) && o.isUp(n)) {
                    up.put(n, since(t0));
                }
            }
            Thread.sleep(50);
        }
        if (up.size() < names.size()) {
            throw new IllegalStateException(o.name() + ": not up within 180 s: " + names.stream()
                    .filter(n -> !up.containsKey(n)).toList() + "\n" + lab.processLogs(20));
        }
        return up;
    }

    private Result measure(Overlay o, Pair p, long t0, double up) {
        Host from = p.a().host();
        InetAddress to = o.address(p.b().name());
        long end = t0 + Duration.ofSeconds((long) up + directSeconds).toNanos();
        double first = Double.NaN;
        // One ping a time with a 1 s deadline until one is answered: a user's first packets.
        while (System.nanoTime() < end && Double.isNaN(first)) {
            ExecResult r = from.exec(List.of("ping", "-n", "-c", "1", "-W", "1", "-s", "1200",
                    to.getHostAddress()), Duration.ofSeconds(10));
            if (r.ok() && RTT.matcher(r.stdout()).find()) {
                first = since(t0);
            } else {
                sleep(100);
            }
        }
        if (Double.isNaN(first)) {
            return new Result(o.name(), p, up, first, Double.NaN, "none");
        }
        Wire wire = net.wire(p);
        Wire.Count start = wire.count();
        double direct = Double.NaN;
        LabProcess traffic = from.start("bench-" + p.a().name() + "-" + p.b().name(), "ping", "-n", "-q", "-i", "0.2",
                "-s", "1200", "-w", String.valueOf(Math.max(1, (end - System.nanoTime()) / 1_000_000_000L)),
                to.getHostAddress());
        try {
            while (System.nanoTime() < end) {
                if (wire.count().minus(start).bigBothWays() >= 2) { // two big pings each way: not a stray packet
                    direct = since(t0);
                    break;
                }
                sleep(100);
            }
        } finally {
            traffic.kill();
        }
        return new Result(o.name(), p, up, first, direct, finalPath(p, from, to));
    }

    /** Ten big pings, then what the wire saw: direct, relay (via lh1/lh2), or none. */
    private String finalPath(Pair p, Host from, InetAddress to) {
        Wire direct = net.wire(p);
        List<Wire> relays = List.of(net.toRelay(p.a(), net.lh1), net.toRelay(p.a(), net.lh2));
        Wire.Count d0 = direct.count();
        List<Wire.Count> r0 = relays.stream().map(Wire::count).toList();
        ExecResult r = from.exec(List.of("ping", "-n", "-q", "-c", "10", "-i", "0.1", "-s", "1200", "-W", "1",
                to.getHostAddress()), Duration.ofSeconds(30));
        Matcher m = RECEIVED.matcher(r.stdout());
        int replies = m.find() ? Integer.parseInt(m.group(1)) : 0;
        if (replies == 0) {
            return "none";
        }
        int most = replies / 2 + 1;
        String path;
        if (direct.count().minus(d0).bigBothWays() >= most) {
            path = "direct";
        } else {
            // A request may leave through one relay and its reply come back through the other.
            long out = 0;
            long back = 0;
            List<String> used = new ArrayList<>();
            for (int i = 0; i < relays.size(); i++) {
                Wire.Count c = relays.get(i).count().minus(r0.get(i));
                out += c.bigAToB();
                back += c.bigBToA();
                if (c.bigAToB() + c.bigBToA() > 0) {
                    used.add(i == 0 ? "lh1" : "lh2");
                }
            }
            path = out >= most && back >= most ? "relay " + String.join("+", used) : "unclear";
        }
        return replies < 10 ? path + " (" + replies + "/10 answered)" : path;
    }

    // ------------------------------------------------------------------ throughput and RTT

    /** iperf3 and ping on a pair that ended direct and one that ended relayed (symmetric <-> symmetric). */
    private void transfer(Overlay o, Map<Pair, Result> byPair) {
        for (Pair p : net.pairs()) {
            boolean pubs = p.a().name().equals("pub1") && p.b().name().equals("pub2");
            boolean syms = p.a().name().equals("sym1") && p.b().name().equals("sym2");
            if (!pubs && !syms) {
                continue;
            }
            Result r = byPair.get(p);
            if (r.path().equals("none")) {
                transfer.add(new String[] {o.name(), p.label(), "none", "-", "-"});
                continue;
            }
            InetAddress to = o.address(p.b().name());
            LabProcess server = p.b().host().start("iperf3-" + p.b().name(), "iperf3", "-s", "-1", "-p", "5201",
                    "--forceflush");
            server.awaitOutput("Server listening", Duration.ofSeconds(10));
            ExecResult c = p.a().host().exec(List.of("iperf3", "-c", to.getHostAddress(), "-p", "5201", "-t",
                    String.valueOf(iperfSeconds), "-J"), Duration.ofSeconds(iperfSeconds + 30));
            server.kill();
            String mbit = "-";
            try {
                JsonNode j = Pki.JSON.readTree(c.stdout());
                mbit = String.format(Locale.ROOT, "%.0f Mbit/s",
                        j.path("end").path("sum_received").path("bits_per_second").asDouble() / 1e6);
            } catch (IOException e) {
                mbit = "iperf3 failed";
            }
            PingResult ping = p.a().host().pingStats(to, 20, Duration.ofMillis(50));
            transfer.add(new String[] {o.name(), p.label(), finalPath(p, p.a().host(), to), mbit,
                String.format(Locale.ROOT, "%.3f ms (%d/20)", ping.avg().toNanos() / 1e6, ping.received())});
        }
    }

    // ------------------------------------------------------------------ output

    private void print(double wallSeconds) {
        System.out.printf(Locale.ROOT, "%nNAT benchmark: lab of %d sites behind real Linux NATs (routers drop"
                + " unsolicited input), lighthouses lh1 and lh2 on the internet segment; %d cores, wall time %.0f s,"
                + " load average %s%n%n", net.sites().size(), Runtime.getRuntime().availableProcessors(), wallSeconds,
                loadAverage());
        System.out.println("Seconds from launching every site's node at once (nodes up: the later of the pair's two"
                + " interfaces; \"after up\": from then); first answer: a ping with a 1 s deadline, retried; direct:"
                + " the second big ping (1200 bytes, 5 a second) to cross between the two sites both ways on the wire;"
                + " final path: where 10 big pings went at the end (" + directSeconds + " s after the nodes were up at"
                + " most).");
        System.out.println();
        System.out.println("| overlay | pair | nodes up | first answer | (after up) | direct | (after up) | final path |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", r.overlay(),
                    r.pair().label(), seconds(r.up()), seconds(r.firstAnswer()), seconds(r.firstAnswer() - r.up()),
                    seconds(r.direct()), seconds(r.direct() - r.up()), r.path());
        }
        System.out.println();
        System.out.println("| overlay | pair | path | iperf3 TCP, " + iperfSeconds + " s | ping RTT avg (answered) |");
        System.out.println("|---|---|---|---|---|");
        for (String[] t : transfer) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", (Object[]) t);
        }
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "never" : String.format(Locale.ROOT, "%.2f s", s);
    }

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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void note(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench: " + format + "%n", args);
    }
}

package dev.weft.node.dns;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Not a test: queries per second and latency of weft's DNS server and of unbound serving the
 * same names, side by side in one run ({@code scripts/bench-dns}). With Debian's {@code dnsperf}
 * it drives the load; without it, dnsjava clients on a few threads do (slower: the client is the
 * bottleneck). Arguments: seconds per row (default 5).
 */
public final class DnsBenchmark {
    private static final int NAMES = 100;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        if (!Tools.present("unbound")) {
            System.err.println("unbound is not installed (scripts/install-deps): nothing to compare with");
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("weft-dns-bench");
        List<String> data = new ArrayList<>(List.of("local-zone: \"mesh.internal.\" static", "local-zone: \"corp.example.\" static"));
        TestMesh mesh = new TestMesh();
        for (int i = 0; i < NAMES; i++) {
            String a = "100.64." + (i / 250) + "." + (i % 250 + 1);
            mesh.node("node" + i, a);
            data.add("local-data: \"node" + i + ".mesh.internal. 5 IN A " + a + "\"");
            data.add("local-data: \"host" + i + ".corp.example. 3600 IN A 192.0.2." + (i % 250 + 1) + "\"");
        }
        try (Unbound unbound = new Unbound(new InetSocketAddress("127.0.54.1", freePort("127.0.54.1")), dir, data).start();
                DnsServer weft = DnsServer.start(DnsOptions.defaults(List.of(new InetSocketAddress("127.0.54.2", 0)),
                        List.of(unbound.address)).withRateLimit(0, 1), mesh)) {
            InetSocketAddress w = weft.addresses().get(0);
            Path meshNames = queries(dir, "mesh", i -> "node" + i + ".mesh.internal A");
            Path corpNames = queries(dir, "corp", i -> "host" + i + ".corp.example A");
            for (int i = 0; i < NAMES; i++) { // fill weft's cache
                ask(w, "host" + i + ".corp.example.");
            }
            boolean dnsperf = Tools.present("dnsperf");
            System.out.printf("DNS benchmark: %d s per row, %s, %d names each%n", seconds,
                    dnsperf ? "dnsperf (UDP, 100 outstanding)" : "dnsjava, 4 threads of synchronous queries (dnsperf not installed)", NAMES);
            // Warm up both (weft's JIT, unbound's caches) with the same load, not measured.
            for (InetSocketAddress target : List.of(w, unbound.address)) {
                for (Path names : List.of(meshNames, corpNames)) {
                    if (dnsperf) {
                        dnsperf(target, names, 4);
                    } else {
                        dnsjava(target, names, 4);
                    }
                }
            }
            System.out.printf("%-8s %-22s %12s %12s %8s%n", "server", "names", "queries/s", "avg ms", "lost");
            for (var row : List.of(
                    Map.entry("weft", Map.entry("mesh (authoritative)", meshNames)),
                    Map.entry("unbound", Map.entry("mesh (local-data)", meshNames)),
                    Map.entry("weft", Map.entry("upstream, cached", corpNames)),
                    Map.entry("unbound", Map.entry("corp (local-data)", corpNames)))) {
                InetSocketAddress target = row.getKey().equals("weft") ? w : unbound.address;
                double[] r = dnsperf ? dnsperf(target, row.getValue().getValue(), seconds)
                        : dnsjava(target, row.getValue().getValue(), seconds);
                System.out.printf("%-8s %-22s %12.0f %12.3f %8.0f%n", row.getKey(), row.getValue().getKey(), r[0], r[1], r[2]);
            }
            DnsStats s = weft.stats();
            System.out.printf("weft: %d queries, %d cache hits, %d forwarded, %d internal errors%n", s.queries(), s.cacheHits(),
                    s.forwarded(), s.internalErrors());
        }
    }

    private static final Pattern QPS = Pattern.compile("Queries per second:\\s+([0-9.]+)");
    private static final Pattern LATENCY = Pattern.compile("Average Latency \\(s\\):\\s+([0-9.]+)");
    private static final Pattern LOST = Pattern.compile("Queries lost:\\s+(\\d+)");

    /** {queries/s, average latency in ms, lost} from one dnsperf run. */
    static double[] dnsperf(InetSocketAddress target, Path queries, int seconds) throws Exception {
        String out = Tools.run("dnsperf", "-s", target.getAddress().getHostAddress(), "-p", Integer.toString(target.getPort()),
                "-d", queries.toString(), "-l", Integer.toString(seconds), "-c", "4", "-q", "100", "-t", "2");
        Matcher q = QPS.matcher(out);
        Matcher l = LATENCY.matcher(out);
        Matcher lost = LOST.matcher(out);
        if (!q.find() || !l.find() || !lost.find()) {
            throw new IllegalStateException("dnsperf said: " + out);
        }
        return new double[] {Double.parseDouble(q.group(1)), Double.parseDouble(l.group(1)) * 1000, Double.parseDouble(lost.group(1))};
    }

    static double[] dnsjava(InetSocketAddress target, Path queries, int seconds) throws Exception {
        List<String> names = Files.readAllLines(queries).stream().map(l -> l.split(" ")[0] + ".").toList();
        AtomicLong done = new AtomicLong();
        AtomicLong nanos = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = offset; System.nanoTime() < end; i++) {
                    long start = System.nanoTime();
                    try {
                        ask(target, names.get(i % names.size()));
                        done.incrementAndGet();
                        nanos.addAndGet(System.nanoTime() - start);
                    } catch (Exception e) {
                        lost.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return new double[] {done.get() / (double) seconds, nanos.get() / 1e6 / Math.max(1, done.get()), lost.get()};
    }

    static void ask(InetSocketAddress server, String name) throws Exception {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(Duration.ofSeconds(2));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
        if (m.getRcode() != Rcode.NOERROR || m.getSectionArray(1).length == 0) {
            throw new IllegalStateException(name + ": " + Rcode.string(m.getRcode()));
        }
    }

    private static Path queries(Path dir, String name, java.util.function.IntFunction<String> line) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < NAMES; i++) {
            lines.add(line.apply(i));
        }
        return Files.write(dir.resolve(name + ".queries"), lines);
    }

    private static int freePort(String host) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    private DnsBenchmark() {}
}

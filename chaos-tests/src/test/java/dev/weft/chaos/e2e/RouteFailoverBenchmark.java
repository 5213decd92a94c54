package dev.weft.chaos.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.e2e.MeshLab.Member;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import dev.weft.chaos.lab.Segment;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Route fail-over, measured: a service address that nodes a and c both advertise (a is used: the
 * lowest name), and node b pinging it every 50 ms. Each round SIGKILLs a and measures the time
 * from the kill to b's route moving to c (gossip declares a dead) and to the first echo reply
 * through c; then a is started again and takes the route back. Not a test:
 * {@code scripts/bench-routes [--rounds N]}.
 *
 * <p>Replies are timed by ping itself ({@code -D}: the wall clock when each reply arrived), so
 * the poll interval of this JVM does not blur them. The first reply through c is the first after
 * the gap the kill opens (a reply a sent just before it died still arrives within the RTT).
 */
public final class RouteFailoverBenchmark {
    private static final String SERVICE = "198.51.100.240/28";
    private static final String SERVICE_IP = "198.51.100.241";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Pattern REPLY = Pattern.compile("^\\[([0-9]+\\.[0-9]+)\\] \\d+ bytes from", Pattern.MULTILINE);
    /** A silence this long among 50 ms pings is the kill's gap. */
    private static final double GAP_SECONDS = 0.3;

    public static void main(String[] args) throws Exception {
        int rounds = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("usage: bench-routes [--rounds N (5)]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (see --help)");
            }
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        try (Lab lab = Lab.create()) {
            run(lab, rounds);
        }
    }

    private static void run(Lab lab, int rounds) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Pki pki = Pki.create(Files.createDirectories(lhHost.dir().resolve("pki")), "--subnets", "198.51.100.0/24");
        MeshLab mesh = new MeshLab(lab, pki);
        mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        String advertise = MeshLab.registersWith(lhHost) + "routes: {advertise: [" + SERVICE + "]}\n";
        Member a = mesh.start(lab.host("a", net), "a", 2, advertise, Map.of(), "198.51.100.0/24");
        Member c = mesh.start(lab.host("c", net), "c", 3, advertise, Map.of(), "198.51.100.0/24");
        Member b = mesh.start(lab.host("b", net), "b", 4, MeshLab.registersWith(lhHost));
        for (Member m : List.of(a, c)) {
            m.host().exec("ip", "address", "add", SERVICE_IP + "/32", "dev", "lo").requireOk();
        }
        mesh.await(() -> mesh.members.stream().allMatch(m -> MeshLab.aliveSeenBy(m) == 3), DEADLINE, "the mesh forms");

        List<double[]> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            mesh.await(() -> via(b, "a") && "alive".equals(MeshLab.stateSeenBy(c, "a")), DEADLINE, "b routes through a");
            LabProcess ping = b.host().start("ping-" + round, "ping", "-D", "-n", "-i", "0.05", "-W", "1", SERVICE_IP);
            mesh.await(() -> replies(ping).size() >= 10, DEADLINE, "replies through a");
            double killed = System.currentTimeMillis() / 1000.0;
            a.process().process.kill();
            long start = System.nanoTime();
            double detected = Double.NaN;
            double flowing = Double.NaN;
            while (System.nanoTime() - start < DEADLINE.toNanos() && (Double.isNaN(detected) || Double.isNaN(flowing))) {
                if (Double.isNaN(detected) && via(b, "c")) {
                    detected = (System.nanoTime() - start) / 1e9;
                }
                if (Double.isNaN(flowing)) {
                    flowing = firstAfterGap(replies(ping), killed);
                }
                Thread.sleep(50);
            }
            ping.stop(Duration.ofSeconds(2));
            results.add(new double[] {detected, flowing});
            System.out.printf("round %d: route moved to c after %.2f s, traffic through c after %.2f s%n", round, detected, flowing);
            a.process().killAndRestart();
        }
        System.out.println();
        System.out.println("Route fail-over (SIGKILL of the advertiser in use; 2 advertisers, 4 nodes, lab):");
        System.out.printf("%-44s %8s %8s %8s%n", "", "median", "min", "max");
        row("route moved to the standby (s)", results, 0);
        row("traffic flowing through the standby (s)", results, 1);
        for (Member m : List.copyOf(mesh.members)) {
            m.process().process.stop(Duration.ofSeconds(20));
        }
    }

    private static void row(String name, List<double[]> results, int column) {
        double[] v = results.stream().mapToDouble(r -> r[column]).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        System.out.printf("%-44s %8.2f %8.2f %8.2f%n", name, median, v[0], v[v.length - 1]);
    }

    /** Whether {@code m} uses {@code via} for the service prefix. */
    private static boolean via(Member m, String via) {
        for (JsonNode r : MeshLab.admin(m, "routes").path("routes")) {
            if (r.path("prefix").asText().equals(SERVICE) && r.path("via").asText().equals(via)
                    && r.path("state").asText().equals("installed")) {
                return true;
            }
        }
        return false;
    }

    /** The wall-clock times of the echo replies ping has printed so far. */
    private static List<Double> replies(LabProcess ping) {
        List<Double> out = new ArrayList<>();
        Matcher m = REPLY.matcher(ping.stdout());
        while (m.find()) {
            out.add(Double.parseDouble(m.group(1)));
        }
        return out;
    }

    /** Seconds from {@code killed} to the first reply after a silence that began after the kill; NaN if none yet. */
    static double firstAfterGap(List<Double> replies, double killed) {
        double previous = Double.NaN;
        for (double t : replies) {
            if (!Double.isNaN(previous) && t > killed && t - Math.max(previous, killed) >= GAP_SECONDS) {
                return t - killed;
            }
            previous = t;
        }
        return Double.NaN;
    }

    private RouteFailoverBenchmark() {}
}

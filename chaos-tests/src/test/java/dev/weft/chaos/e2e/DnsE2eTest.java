package dev.weft.chaos.e2e;

import static dev.weft.chaos.e2e.MeshLab.aliveSeenBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.chaos.e2e.MeshLab.Member;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The embedded DNS server in real nodes, asked with {@code dig}: node names, records two nodes
 * publish, withdrawal when a publisher dies, NXDOMAIN, and forwarding to a real upstream
 * ({@code unbound} in the lab, serving one local zone and refusing everything else).
 */
@RequiresLab
class DnsE2eTest {
    @Test
    void nodesAndServicesResolveByNameAndOtherNamesGoUpstream(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Host upstream = lab.host("u", net);
        Path conf = upstream.dir().resolve("unbound.conf");
        Files.writeString(conf, """
                server:
                  interface: %s
                  port: 53
                  do-daemonize: no
                  use-syslog: no
                  logfile: ""
                  chroot: ""
                  username: ""
                  directory: "%s"
                  pidfile: "%s"
                  access-control: 0.0.0.0/0 allow
                  module-config: "iterator"
                  local-zone: "." refuse
                  local-zone: "example.test." static
                  local-data: "www.example.test. 60 IN A 203.0.113.99"
                """.formatted(upstream.ipv4().getHostAddress(), upstream.dir(), upstream.dir().resolve("unbound.pid")));
        LabProcess unbound = upstream.start("unbound", "unbound", "-d", "-c", conf.toString());
        MeshLab mesh = new MeshLab(lab, Pki.create(Files.createDirectories(lhHost.dir().resolve("pki"))));
        mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        String publish = """
                dns:
                  records:
                    - {name: web, type: A}
                    - {name: _http._tcp.web, type: SRV, port: %d}
                    - {name: web, type: TXT, text: "v=1"}
                """;
        Member a = mesh.start(lab.host("a", net), "a", 2, MeshLab.registersWith(lhHost) + publish.formatted(8080));
        Member c = mesh.start(lab.host("c", net), "c", 3, MeshLab.registersWith(lhHost) + publish.formatted(8081));
        Member b = mesh.start(lab.host("b", net), "b", 4, MeshLab.registersWith(lhHost)
                + "dns: {upstreams: [\"" + upstream.ipv4().getHostAddress() + "\"], configure_host: true}\n");
        // No systemd-resolved in a lab namespace: one notice, and the node runs on.
        b.process().process.awaitError("dns.configure_host: systemd-resolved is not running here", Duration.ofSeconds(10));
        String errors = b.process().process.stderr();
        assertEquals(2, errors.split("dns.configure_host", -1).length, "one notice: " + errors);
        mesh.await(() -> mesh.members.stream().allMatch(m -> aliveSeenBy(m) == 3), Duration.ofSeconds(20), "the mesh forms");
        await(() -> dig(b, "web.mesh.internal", "A").size() == 2, Duration.ofSeconds(15), "both publishers' records arrived");

        assertEquals(List.of("100.64.0.2"), dig(b, "a.mesh.internal", "A"));
        assertEquals(List.of("fd00:77::2"), dig(b, "a.mesh.internal", "AAAA"));
        assertEquals(List.of("a.mesh.internal."), dig(b, "2.0.64.100.in-addr.arpa", "PTR"));
        assertEquals(List.of("100.64.0.2", "100.64.0.3"), sorted(dig(b, "web.mesh.internal", "A")));
        List<String> srv = sorted(dig(b, "_http._tcp.web.mesh.internal", "SRV"));
        assertEquals(2, srv.size(), srv.toString());
        assertTrue(srv.get(0).endsWith("8080 a.mesh.internal.") && srv.get(1).endsWith("8081 c.mesh.internal."), srv.toString());
        assertEquals(List.of("\"v=1\""), dig(b, "web.mesh.internal", "TXT"), "equal records of two nodes are one, as in any RRset");
        assertTrue(status(b, "nope.mesh.internal").contains("NXDOMAIN"));
        assertEquals(List.of("203.0.113.99"), dig(b, "www.example.test", "A"), "forwarded to the upstream");
        assertTrue(status(b, "other.example.org").contains("REFUSED"), "the upstream's own answer, as a user would get it");
        assertEquals(List.of("100.64.0.3"), dig(b, "c.mesh.internal", "A", "+tcp"), "over TCP too");
        ExecResult loopback = b.host().exec(List.of("dig", "+short", "+time=2", "+tries=1", "@127.0.42.1", "c.mesh.internal", "A"),
                Duration.ofSeconds(10));
        assertEquals("100.64.0.3", loopback.stdout().strip(), "the host's own resolver asks 127.0.42.1");

        a.process().process.kill();
        long killed = System.nanoTime();
        await(() -> dig(b, "web.mesh.internal", "A").equals(List.of("100.64.0.3")), Duration.ofSeconds(20),
                "a dead publisher's records are withdrawn");
        System.err.printf("records withdrawn %.1f s after the publisher was killed%n", (System.nanoTime() - killed) / 1e9);
        assertTrue(status(b, "a.mesh.internal").contains("NXDOMAIN"), "and its name");
        mesh.members.remove(a);
        for (Member m : mesh.members) {
            m.process().stopAndCheckCleanup();
        }
        unbound.stop(Duration.ofSeconds(5));
    }

    private static List<String> dig(Member m, String name, String type, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("dig", "+short", "+time=2", "+tries=1", "@" + m.v4().getHostAddress(),
                name, type));
        args.addAll(List.of(options));
        ExecResult r = m.host().exec(args, Duration.ofSeconds(10));
        return r.stdout().lines().filter(l -> !l.isBlank() && !l.startsWith(";")).toList();
    }

    private static String status(Member m, String name) {
        return m.host().exec(List.of("dig", "+time=2", "+tries=1", "@" + m.v4().getHostAddress(), name, "A"),
                Duration.ofSeconds(10)).stdout();
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    private static void await(BooleanSupplier condition, Duration deadline, String what) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        assertTrue(condition.getAsBoolean(), what + " within " + deadline.toSeconds() + " s");
    }
}

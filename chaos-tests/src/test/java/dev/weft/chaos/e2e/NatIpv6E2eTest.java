package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.chaos.e2e.Issue12.Feature;
import dev.weft.chaos.e2e.NatLab.Pair;
import dev.weft.chaos.e2e.NatMesh.Node;
import dev.weft.chaos.e2e.NatMesh.PeerPath;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabOptions;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Wire;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: with global IPv6 on both sides beside NATed IPv4 (an endpoint-independent and a symmetric NAT,
 * each router a stateful IPv6 firewall that drops unsolicited input), the path is direct over IPv6 — no
 * birthday probing, no relay — judged by {@code weft status} and by big pings between the two hosts' IPv6
 * addresses on the internet.
 */
@RequiresLab
class NatIpv6E2eTest {
    @Test
    void twoNatedSitesWithGlobalIpv6EndDirectOverIpv6() throws Exception {
        // Both firewalls drop unsolicited IPv6: a simultaneous probe of the v6 candidates opens them, and path
        // selection must prefer the v6 path over a relayed or birthday-probed v4 one.
        Issue12.needs(EnumSet.of(Feature.PUNCHING, Feature.PATHS));
        try (Lab lab = Lab.create(LabOptions.defaults().withIpv6())) {
            NatLab net = NatLab.build(lab, List.of("eim1", "sym1"));
            Pki pki = Pki.create(Files.createDirectories(net.lh1.dir().resolve("pki")));
            NatMesh mesh = new NatMesh(net, pki, Map.of("WEFT_JAVA_OPTS", "-Xmx64m -XX:+TieredCompilation -XX:TieredStopAtLevel=1"));
            mesh.prepare();
            mesh.start(List.of("lh1", "lh2"));
            mesh.start(List.of("eim1", "sym1"));
            Pair p = net.pairs().get(0);
            Node a = mesh.node("eim1");
            Node b = mesh.node("sym1");
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!(NatMesh.seesAlive(a, "sym1") && NatMesh.seesAlive(b, "eim1")) && System.nanoTime() < end) {
                Thread.sleep(250);
            }
            assertTrue(NatMesh.seesAlive(a, "sym1") && NatMesh.seesAlive(b, "eim1"), "both list each other alive");
            assertTrue(a.host().canPing(b.overlay(), Duration.ofSeconds(5)), "eim1 reaches sym1 (status "
                    + NatMesh.path(a, "sym1") + ")\n" + lab.processLogs(20));
            Optional<PeerPath> path = Optional.empty();
            end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < end) {
                a.host().canPing(b.overlay(), Duration.ofSeconds(1));
                path = NatMesh.path(a, "sym1");
                if (path.map(x -> x.direct() && x.endpoint() != null && x.endpoint().startsWith("[")).orElse(false)) {
                    break;
                }
                Thread.sleep(250);
            }
            assertTrue(path.map(x -> x.direct() && x.endpoint().startsWith("[2001:db8:")).orElse(false),
                    "eim1's path to sym1 is direct to its global IPv6 address: " + path);
            Wire v6 = net.wire6(p);
            Wire.Count before = v6.count();
            ExecResult r = a.host().exec(List.of("ping", "-n", "-q", "-c", "10", "-i", "0.1", "-s", "1200", "-W", "1",
                    b.overlay().getHostAddress()), Duration.ofSeconds(30));
            assertTrue(r.stdout().contains(" 10 received"), r.stdout());
            Wire.Count d = v6.count().minus(before);
            assertTrue(d.bigBothWays() >= 10, "the pings crossed between the two hosts' IPv6 addresses: " + d);
            assertEquals("direct", NatMesh.path(b, "eim1").map(PeerPath::path).orElse(null), "sym1 says direct too");
        }
    }
}

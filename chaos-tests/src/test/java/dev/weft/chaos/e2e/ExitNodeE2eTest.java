package dev.weft.chaos.e2e;

import static dev.weft.chaos.e2e.MeshLab.aliveSeenBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.e2e.MeshLab.Member;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Segment;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An exit node: a advertises 0.0.0.0/0 (its certificate allows it) and NATs what comes out of the
 * tunnel towards "the internet", a namespace only a can reach. b, with {@code routes.exit_node: a},
 * reaches that host through the tunnel, while its own traffic to the mesh stays on the underlay
 * (b keeps every member alive and pings them over the overlay). e, without the opt-in, installs
 * nothing. b's policy rules are gone when it stops.
 */
@RequiresLab
class ExitNodeE2eTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void aNodeUsesItsExitNodeForEverythingElseAndKeepsTheMesh(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Pki pki = Pki.create(Files.createDirectories(lhHost.dir().resolve("pki")), "--subnets", "0.0.0.0/0");
        MeshLab mesh = new MeshLab(lab, pki);
        Member lh = mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        Member a = mesh.start(lab.host("a", net), "a", 2,
                MeshLab.registersWith(lhHost) + "routes: {advertise: [0.0.0.0/0]}\n", Map.of(), "0.0.0.0/0");
        Member b = mesh.start(lab.host("b", net), "b", 3, MeshLab.registersWith(lhHost) + "routes: {exit_node: a}\n");
        Member e = mesh.start(lab.host("e", net), "e", 4, MeshLab.registersWith(lhHost));
        mesh.await(() -> mesh.members.stream().allMatch(m -> aliveSeenBy(m) == 3), DEADLINE, "the mesh forms");

        // "The internet" beyond a: a namespace on a veth, a forwarding and masquerading the overlay.
        Host outside = lab.host("far", lab.segment("outside"));
        a.host().exec("sysctl", "-qw", "net.ipv4.ip_forward=1").requireOk();
        a.host().exec("ip", "link", "add", "vout", "type", "veth", "peer", "name", "vout0", "netns", outside.netns()).requireOk();
        a.host().exec("ip", "address", "add", "198.51.100.209/29", "dev", "vout").requireOk();
        a.host().exec("ip", "link", "set", "vout", "up").requireOk();
        a.host().exec("nft", "add table ip exitnat").requireOk();
        a.host().exec("nft", "add chain ip exitnat post { type nat hook postrouting priority 100 ; }").requireOk();
        a.host().exec("nft", "add rule ip exitnat post oifname vout ip saddr 100.64.0.0/10 masquerade").requireOk();
        outside.exec("ip", "address", "add", "198.51.100.210/29", "dev", "vout0").requireOk();
        outside.exec("ip", "link", "set", "vout0", "up").requireOk();
        InetAddress far = InetAddress.getByName("198.51.100.210");

        mesh.await(() -> exitVia(b, "a"), DEADLINE, "b takes a's default route");
        String rules = b.host().exec("ip", "rule", "show").requireOk().stdout();
        assertTrue(rules.contains("lookup 30565") && rules.contains("sport 4242 lookup main")
                && rules.contains("sport 4242 unreachable") && rules.contains("suppress_prefixlength 0"), rules);
        assertTrue(b.host().exec("ip", "route", "show", "table", "30565").requireOk().stdout().contains("default dev " + b.dev()));
        b.host().ping(far, DEADLINE);

        JsonNode seenByE = MeshLab.admin(e, "routes").path("routes");
        assertTrue(seenByE.toString().contains("routes.exit_node"), "e refuses a's default route: " + seenByE);
        assertFalse(e.host().exec("ip", "rule", "show").requireOk().stdout().contains("30565"));
        assertFalse(e.host().canPing(far, Duration.ofSeconds(3)), "only through the exit node");

        // The mesh keeps working through b's underlay: overlay pings, and nobody is declared dead meanwhile.
        b.host().ping(lh.v4(), DEADLINE);
        b.host().ping(e.v4(), DEADLINE);
        Thread.sleep(10_000);
        assertEquals(3, aliveSeenBy(b), "b keeps the mesh: " + MeshLab.states(b));
        assertEquals("alive", MeshLab.stateSeenBy(lh, "b"));
        // b's session to a still goes over the underlay, never through the tunnel (an encapsulation loop).
        for (JsonNode peer : MeshLab.admin(b, "status").path("peers")) {
            assertFalse(peer.path("endpoint").asText().startsWith("100.64."), "an endpoint inside the overlay: " + peer);
        }
        if (!b.host().canPing(far, DEADLINE)) {
            throw new AssertionError("b lost the exit node:\nb status " + MeshLab.admin(b, "status") + "\na status "
                    + MeshLab.admin(a, "status") + "\nb routes " + MeshLab.admin(b, "routes") + "\nb route get "
                    + b.host().exec("ip", "route", "get", "198.51.100.210").stdout() + "\na nft "
                    + a.host().exec("nft", "list", "ruleset").stdout() + "\na conntrack/route "
                    + a.host().exec("ip", "route", "get", "100.64.0.3").stdout());
        }

        b.process().stopAndCheckCleanup();
        mesh.members.remove(b);
        String after = b.host().exec("ip", "rule", "show").requireOk().stdout();
        assertFalse(after.contains("30565") || after.contains("sport 4242"), "rules removed on stop: " + after);
        for (Member m : mesh.members) {
            m.process().stopAndCheckCleanup();
        }
    }

    private static boolean exitVia(Member m, String via) {
        for (JsonNode r : MeshLab.admin(m, "routes").path("routes")) {
            if (r.path("prefix").asText().equals("0.0.0.0/0") && r.path("via").asText().equals(via)
                    && r.path("state").asText().equals("installed")) {
                return true;
            }
        }
        return false;
    }
}

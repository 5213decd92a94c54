package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Segment;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import dev.weft.chaos.e2e.MeshLab.Member;
import org.junit.jupiter.api.Test;
import static dev.weft.chaos.e2e.MeshLab.aliveSeenBy;
import static dev.weft.chaos.e2e.MeshLab.json;
import static dev.weft.chaos.e2e.MeshLab.stateSeenBy;

/**
 * The mesh with real {@code weft node} processes: a lighthouse and five nodes on one lab segment,
 * no peer configured anywhere, only the lighthouse's address. Members find each other by gossip,
 * reach each other by overlay IP through sessions started on demand, detect a SIGKILLed node,
 * and end a revoked one.
 */
@RequiresLab
class MeshE2eTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void aLighthouseAndFiveNodesFindEachOtherConnectOnDemandAndLoseADeadOrRevokedOne(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Pki pki = Pki.create(Files.createDirectories(lhHost.dir().resolve("pki")));
        MeshLab mesh = new MeshLab(lab, pki);
        List<Member> members = mesh.members;
        mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        for (int i = 2; i <= 6; i++) {
            mesh.start(lab.host("n" + i, net), "n" + i, i, MeshLab.registersWith(lhHost));
        }

        mesh.await(() -> members.stream().allMatch(m -> aliveSeenBy(m) == 5), DEADLINE, "every node lists every other alive");

        for (Member from : members) {
            for (Member to : members) {
                if (from != to) {
                    from.host().ping(to.v4(), DEADLINE);
                    from.host().ping(to.v6(), DEADLINE);
                }
            }
        }
        // weft members --json, as a script would read it
        JsonNode listed = json(members.get(1), "members", "--json").path("members");
        assertEquals(6, listed.size(), listed.toString());
        JsonNode self = listed.get(0);
        assertEquals("n2", self.path("name").asText());
        assertTrue(self.path("self").asBoolean());
        for (JsonNode m : listed) {
            assertEquals("alive", m.path("state").asText(), m.toString());
            assertEquals(2, m.path("overlay_ips").size(), m.toString());
            assertTrue(m.path("incarnation").isIntegralNumber() && m.path("endpoints").size() > 0, m.toString());
            assertTrue(m.path("roles").isArray(), m.toString());
        }
        assertTrue(listed.toString().contains("\"lighthouse\""), "the lighthouse's role is listed: " + listed);
        JsonNode pong = json(members.get(1), "ping", "n4", "--json").path("pings").get(0);
        assertEquals("n4", pong.path("name").asText());
        assertEquals("direct", pong.path("path").asText());
        assertEquals(members.get(3).host().ipv4().getHostAddress() + ":4242", pong.path("endpoint").asText());
        JsonNode peers = json(members.get(1), "status", "--json").path("peers");
        assertEquals(5, peers.size(), "sessions to every member it pinged: " + peers);
        for (JsonNode p : peers) {
            assertEquals("direct", p.path("path").asText(), p.toString());
            assertFalse(p.path("name").isNull(), p.toString());
        }

        // A new address on a node's interface is published at once (netlink events), not at the next periodic look.
        Member mover = members.get(2);
        String extra = mover.host().ipv4().getHostAddress().replaceAll("\\.\\d+$", ".222");
        mover.host().exec("ip", "address", "add", extra + "/24", "dev", mover.host().links().get(0).interfaceName()).requireOk();
        long added = System.nanoTime();
        mesh.await(() -> endpointsSeenBy(members.get(1), mover.name()).contains(extra + ":4242"), Duration.ofSeconds(5),
                "a new local address is published within 5 s");
        System.err.printf("new address published after %.1f s%n", (System.nanoTime() - added) / 1e9);

        Member victim = members.get(5);
        victim.process().process.kill(); // SIGKILL: no leave
        long killed = System.nanoTime();
        mesh.await(() -> members.stream().filter(m -> m != victim).allMatch(m -> "dead".equals(stateSeenBy(m, victim.name()))),
                Duration.ofSeconds(15), "a node killed with SIGKILL is dead everywhere within 15 s");
        System.err.printf("crash known everywhere after %.1f s%n", (System.nanoTime() - killed) / 1e9);
        members.remove(victim);

        Member revoked = members.get(4);
        Path revocation = pki.revoke(revoked.name());
        ExecResult r = members.get(1).host().exec(Lab.weft("revoke", "--dev", members.get(1).dev(), revocation.toString()),
                Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), r.stderr());
        mesh.await(() -> members.stream().filter(m -> m != revoked).allMatch(m -> stateSeenBy(m, revoked.name()) == null),
                Duration.ofSeconds(15), "a revocation handed to one node ends the revoked member everywhere");
        assertFalse(revoked.host().canPing(members.get(0).v4(), Duration.ofSeconds(3)), "the revoked node has no session left");
        assertTrue(members.get(1).host().canPing(members.get(2).v4(), Duration.ofSeconds(5)), "the others still talk");

        for (Member m : members) {
            m.process().stopAndCheckCleanup();
        }
    }

    private static String endpointsSeenBy(Member m, String name) {
        for (JsonNode n : MeshLab.admin(m, "members").path("members")) {
            if (n.path("name").asText().equals(name)) {
                return n.path("endpoints").toString();
            }
        }
        return "";
    }
}

package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.e2e.MeshLab.Member;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.Nat;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Router;
import dev.weft.chaos.lab.Segment;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two nodes behind two home routers (endpoint-independent mapping, unsolicited input dropped),
 * a lighthouse on the internet: a packet from one to the other punches a direct path through
 * both NATs, which {@code weft status} shows.
 */
@RequiresLab
class PunchE2eTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void twoNodesBehindHomeRoutersEndOnADirectPath(Lab lab) throws Exception {
        Sites s = Sites.start(lab, Nat.PORT_RESTRICTED, Nat.PORT_RESTRICTED, 1, true);
        MeshLab mesh = s.mesh();
        Member a = s.a();
        Member b = s.b();
        Router homeB = s.routerB();

        // the first packet starts on the relay (asked for at once); punching then moves both ends direct
        a.host().ping(b.v4(), DEADLINE);
        mesh.await(() -> direct(a, "b") && direct(b, "a"), DEADLINE, "a direct path both ways after the relay: "
                + peer(a, "b") + " / " + peer(b, "a"));

        // as a user would: punching starts from weft ping alone, before any packet wants a session
        JsonNode pings = MeshLab.json(a, "ping", "b", "--until-direct", "--json").path("pings");
        JsonNode last = pings.get(pings.size() - 1);
        assertEquals("direct", last.path("path").asText(), pings.toString());
        assertEquals(homeB.publicIpv4().getHostAddress(), last.path("endpoint").asText().replaceAll(":\\d+$", ""),
                pings.toString());

        a.host().ping(b.v4(), DEADLINE);
        mesh.await(() -> direct(a, "b") && direct(b, "a"), DEADLINE, "a direct path both ways");
        JsonNode peer = peer(a, "b");
        assertEquals(homeB.publicIpv4().getHostAddress(), peer.path("endpoint").asText().replaceAll(":\\d+$", ""),
                peer.toString());
        a.host().ping(b.v4(), DEADLINE);
        b.host().ping(a.v4(), DEADLINE);
        assertTrue(peer.path("rtt_ms").isNumber(), peer.toString());
    }

    @Test
    void aHomeRouterAndASymmetricNatEndDirectThroughBirthdayProbing(Lab lab) throws Exception {
        Sites s = Sites.start(lab, Nat.PORT_RESTRICTED, Nat.SYMMETRIC, 2, false);
        MeshLab mesh = s.mesh();
        Member a = s.a();
        Member b = s.b();
        mesh.await(() -> "endpoint-dependent".equals(MeshLab.admin(b, "status").path("nat_mapping").asText()),
                Duration.ofSeconds(25), "b finds its NAT maps per destination");

        a.host().ping(b.v4(), Duration.ofSeconds(30));
        mesh.await(() -> direct(a, "b") && direct(b, "a"), Duration.ofSeconds(30), "a direct path both ways");
        a.host().ping(b.v4(), DEADLINE);
        assertTrue(MeshLab.admin(a, "status").path("traversal").path("birthday_probes").asLong() > 0, "a sprayed probes");
    }

    @Test
    void twoSymmetricNatsTalkThroughTheRelayAtOnce(Lab lab) throws Exception {
        Sites s = Sites.start(lab, Nat.SYMMETRIC, Nat.SYMMETRIC, 1, true);
        Member a = s.a();
        Member b = s.b();
        Host lhHost = s.lighthouses().get(0).host();

        long start = System.nanoTime();
        a.host().ping(b.v4(), DEADLINE);
        long firstMillis = (System.nanoTime() - start) / 1_000_000;
        System.err.println("first ping through the relay answered after " + firstMillis + " ms");
        JsonNode peer = peer(a, "b");
        assertEquals("relay", peer.path("path").asText(), peer.toString());
        assertEquals("lh", peer.path("via").asText(), peer.toString());
        assertEquals(lhHost.ipv4().getHostAddress(), peer.path("endpoint").asText().replaceAll(":\\d+$", ""),
                peer.toString());
        b.host().ping(a.v4(), DEADLINE);
        assertEquals("relay", peer(b, "a").path("path").asText(), peer(b, "a").toString());
        JsonNode pong = MeshLab.json(a, "ping", "b", "--json").path("pings").get(0);
        assertEquals("relay", pong.path("path").asText(), pong.toString());
        assertEquals("lh", pong.path("via").asText(), pong.toString());
        assertTrue(pong.path("rtt_ms").asDouble() > 0, pong.toString());
        assertTrue(peer(a, "b").path("rtt_ms").isNumber(), "status gives the round trip through the relay: " + peer(a, "b"));
    }

    @Test
    void twoSymmetricNatsMoveToTheOtherRelayWhenTheirsDies(Lab lab) throws Exception {
        Sites s = Sites.start(lab, Nat.SYMMETRIC, Nat.SYMMETRIC, 2, true);
        MeshLab mesh = s.mesh();
        Member a = s.a();
        Member b = s.b();
        Member r1 = s.lighthouses().get(0);
        Member r2 = s.lighthouses().get(1);
        a.host().ping(b.v4(), DEADLINE);
        String via = peer(a, "b").path("via").asText();
        Member dead = via.equals("lh1") ? r1 : r2;
        dead.process().process.kill();
        long killed = System.nanoTime();
        mesh.await(() -> a.host().canPing(b.v4(), Duration.ofSeconds(1)), Duration.ofSeconds(20),
                "a reaches b again after " + via + " died: " + peer(a, "b") + " / " + peer(b, "a"));
        System.err.printf("relay %s killed: answered again after %.1f s%n", via, (System.nanoTime() - killed) / 1e9);
        assertTrue(!via.equals(peer(a, "b").path("via").asText()), peer(a, "b").toString());
    }

    /**
     * Lighthouses on the internet segment (lh1…, relays when asked) and two nodes, a and b, each
     * behind a router of its own kind, registered with every lighthouse and seeing each other alive.
     */
    record Sites(MeshLab mesh, List<Member> lighthouses, Member a, Member b, Router routerB) {
        static Sites start(Lab lab, Nat natA, Nat natB, int lighthouseCount, boolean relays) throws Exception {
            Segment net = lab.internet();
            List<Host> hosts = new ArrayList<>();
            for (int i = 1; i <= lighthouseCount; i++) {
                hosts.add(lab.host("lh" + i, net));
            }
            Router ra = lab.router("ra", net, natA);
            Router rb = lab.router("rb", net, natB);
            MeshLab mesh = new MeshLab(lab, Pki.create(Files.createDirectories(hosts.get(0).dir().resolve("pki"))));
            List<Member> lighthouses = new ArrayList<>();
            List<String> addresses = new ArrayList<>();
            for (int i = 0; i < hosts.size(); i++) {
                String name = hosts.size() == 1 ? "lh" : "lh" + (i + 1);
                lighthouses.add(mesh.start(hosts.get(i), name, i == 0 ? 1 : 3 + i,
                        MeshLab.LIGHTHOUSE + (relays ? "relay: {am_relay: true}\n" : "")));
                addresses.add("\"" + hosts.get(i).ipv4().getHostAddress() + ":4242\"");
            }
            String hostsYaml = "lighthouse: {hosts: [" + String.join(", ", addresses) + "]}\n";
            Member a = mesh.start(lab.host("a", ra.lan()), "a", 2, hostsYaml);
            Member b = mesh.start(lab.host("b", rb.lan()), "b", 3, hostsYaml);
            int others = hosts.size() + 1;
            mesh.await(() -> MeshLab.aliveSeenBy(a) == others && MeshLab.aliveSeenBy(b) == others, DEADLINE, "all alive");
            return new Sites(mesh, lighthouses, a, b, rb);
        }
    }

    private static boolean direct(Member m, String name) {
        JsonNode p = peer(m, name);
        return p != null && "direct".equals(p.path("path").asText()) && !p.path("endpoint").isNull()
                && !p.path("last_handshake").isNull();
    }

    static JsonNode peer(Member m, String name) {
        for (JsonNode p : MeshLab.admin(m, "status").path("peers")) {
            if (name.equals(p.path("name").asText())) {
                return p;
            }
        }
        return null;
    }
}

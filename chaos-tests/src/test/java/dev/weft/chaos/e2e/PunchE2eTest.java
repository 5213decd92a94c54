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
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Router homeA = lab.router("ra", net, Nat.PORT_RESTRICTED);
        Router homeB = lab.router("rb", net, Nat.PORT_RESTRICTED);
        Pki pki = Pki.create(Files.createDirectories(lhHost.dir().resolve("pki")));
        MeshLab mesh = new MeshLab(lab, pki);
        mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE + "relay: {am_relay: true}\n");
        Member a = mesh.start(lab.host("a", homeA.lan()), "a", 2, MeshLab.registersWith(lhHost));
        Member b = mesh.start(lab.host("b", homeB.lan()), "b", 3, MeshLab.registersWith(lhHost));
        mesh.await(() -> MeshLab.aliveSeenBy(a) == 2 && MeshLab.aliveSeenBy(b) == 2, DEADLINE, "all alive");

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
        Segment net = lab.internet();
        Host lh1 = lab.host("lh1", net);
        Host lh2 = lab.host("lh2", net);
        Router home = lab.router("ra", net, Nat.PORT_RESTRICTED);
        Router hard = lab.router("rb", net, Nat.SYMMETRIC);
        Pki pki = Pki.create(Files.createDirectories(lh1.dir().resolve("pki")));
        MeshLab mesh = new MeshLab(lab, pki);
        mesh.start(lh1, "lh1", 1, MeshLab.LIGHTHOUSE);
        mesh.start(lh2, "lh2", 4, MeshLab.LIGHTHOUSE);
        String both = "lighthouse: {hosts: [\"" + lh1.ipv4().getHostAddress() + ":4242\", \""
                + lh2.ipv4().getHostAddress() + ":4242\"]}\n";
        Member a = mesh.start(lab.host("a", home.lan()), "a", 2, both);
        Member b = mesh.start(lab.host("b", hard.lan()), "b", 3, both);
        mesh.await(() -> MeshLab.aliveSeenBy(a) == 3 && MeshLab.aliveSeenBy(b) == 3, DEADLINE, "all alive");
        mesh.await(() -> "endpoint-dependent".equals(MeshLab.admin(b, "status").path("nat_mapping").asText()),
                Duration.ofSeconds(25), "b finds its NAT maps per destination");

        a.host().ping(b.v4(), Duration.ofSeconds(30));
        mesh.await(() -> direct(a, "b") && direct(b, "a"), Duration.ofSeconds(30), "a direct path both ways");
        a.host().ping(b.v4(), DEADLINE);
        assertTrue(MeshLab.admin(a, "status").path("birthday_probes").asLong() > 0, "a sprayed probes");
    }

    @Test
    void twoSymmetricNatsTalkThroughTheRelayAtOnce(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Router hardA = lab.router("ra", net, Nat.SYMMETRIC);
        Router hardB = lab.router("rb", net, Nat.SYMMETRIC);
        Pki pki = Pki.create(Files.createDirectories(lhHost.dir().resolve("pki")));
        MeshLab mesh = new MeshLab(lab, pki);
        mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE + "relay: {am_relay: true}\n");
        Member a = mesh.start(lab.host("a", hardA.lan()), "a", 2, MeshLab.registersWith(lhHost));
        Member b = mesh.start(lab.host("b", hardB.lan()), "b", 3, MeshLab.registersWith(lhHost));
        mesh.await(() -> MeshLab.aliveSeenBy(a) == 2 && MeshLab.aliveSeenBy(b) == 2, DEADLINE, "all alive");

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
    }

    @Test
    void twoSymmetricNatsMoveToTheOtherRelayWhenTheirsDies(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lh1 = lab.host("lh1", net);
        Host lh2 = lab.host("lh2", net);
        Router hardA = lab.router("ra", net, Nat.SYMMETRIC);
        Router hardB = lab.router("rb", net, Nat.SYMMETRIC);
        Pki pki = Pki.create(Files.createDirectories(lh1.dir().resolve("pki")));
        MeshLab mesh = new MeshLab(lab, pki);
        String relay = MeshLab.LIGHTHOUSE + "relay: {am_relay: true}\n";
        Member r1 = mesh.start(lh1, "lh1", 1, relay);
        Member r2 = mesh.start(lh2, "lh2", 4, relay);
        String both = "lighthouse: {hosts: [\"" + lh1.ipv4().getHostAddress() + ":4242\", \""
                + lh2.ipv4().getHostAddress() + ":4242\"]}\n";
        Member a = mesh.start(lab.host("a", hardA.lan()), "a", 2, both);
        Member b = mesh.start(lab.host("b", hardB.lan()), "b", 3, both);
        mesh.await(() -> MeshLab.aliveSeenBy(a) == 3 && MeshLab.aliveSeenBy(b) == 3, DEADLINE, "all alive");
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

package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.e2e.MeshLab.Member;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.RunningStream;
import dev.weft.chaos.lab.Segment;
import dev.weft.chaos.lab.StreamResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reload under load: while a hashed TCP stream runs through the overlay, the receiving node is
 * reloaded with {@code weft reload} and SIGHUP (a change applied, a change refused, a broken
 * file). The stream arrives intact and no session is handshaken again. And the mesh keys a reload
 * applies: {@code routes.accept} (the kernel route goes and comes back), {@code pki.ca} (a member of
 * an added CA joins and is pinged; removing the CA ends its session), {@code lighthouse.hosts}.
 */
@RequiresLab
class ReloadE2eTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** What n2 advertises: a /28 of TEST-NET-2 that no lab segment uses here. */
    private static final String ROUTE = "198.51.100.224/28";

    @Test
    void reloadsUnderATcpStreamLoseNothingAndKeepTheSession(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Host n2Host = lab.host("n2", net);
        Path pkiDir = Files.createDirectories(lhHost.dir().resolve("pki"));
        Pki pki = Pki.create(pkiDir);
        MeshLab mesh = new MeshLab(lab, pki);
        Member lh = mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        Member n2 = mesh.start(n2Host, "n2", 2, MeshLab.registersWith(lhHost));
        mesh.await(() -> MeshLab.aliveSeenBy(lh) == 1 && MeshLab.aliveSeenBy(n2) == 1, DEADLINE, "both nodes see each other");
        n2Host.ping(lh.v4(), DEADLINE);
        long lhHandshakes = handshakes(lh);
        long n2Handshakes = handshakes(n2);

        RunningStream stream = n2Host.streamUntilStopped(lhHost, lh.v4(), Duration.ofSeconds(180));
        Thread.sleep(500);
        Path config = pkiDir.resolve("lh.yml");
        String original = Files.readString(config);

        Files.writeString(config, original + "dns: {upstreams: ['192.0.2.53']}\n");
        ExecResult applied = reload(lh);
        assertEquals(0, applied.exitCode(), applied.stderr());
        assertEquals("reloaded: dns.upstreams and dns.forward", applied.stdout().strip());

        // a record published by reload reaches the other node's DNS server; the session stays
        Files.writeString(config, original + "dns: {upstreams: ['192.0.2.53'], records: [{name: www, type: A}]}\n");
        ExecResult published = reload(lh);
        assertEquals(0, published.exitCode(), published.stderr());
        assertEquals("reloaded: routes.advertise and dns.records: published to the mesh", published.stdout().strip());
        mesh.await(() -> dig(n2, "www.mesh.internal").equals(List.of(lh.v4().getHostAddress())), DEADLINE,
                "n2 resolves the record lh published by reload");

        Files.writeString(config, original + "dns: {upstreams: ['192.0.2.53'], records: [{name: www, type: A}]}\n"
                + "relay: {am_relay: true}\n");
        ExecResult refused = reload(lh);
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("reload refused, nothing was changed: relay needs a restart"),
                refused.stderr());

        Files.writeString(config, original + "dns: {upstreams: [\n");
        lhHost.exec("kill", "-HUP", Long.toString(lh.process().process.pid())).requireOk();
        lh.process().process.awaitError("SIGHUP: reload refused, nothing was changed: " + config + ":", DEADLINE);
        Files.writeString(config, original + "dns: {upstreams: ['192.0.2.53'], records: [{name: www, type: A}]}\n");
        lhHost.exec("kill", "-HUP", Long.toString(lh.process().process.pid())).requireOk();
        lh.process().process.awaitError("SIGHUP: reloaded: nothing changed", DEADLINE);
        assertFalse(stream.ended(), "the stream broke during the reloads");

        StreamResult r = stream.stop().requireIntact();
        System.err.printf("stream: %d bytes intact in %.1f s across 5 reloads%n", r.receivedBytes(), r.elapsed().toMillis() / 1e3);
        assertTrue(lh.process().process.isAlive(), "the node stopped");
        assertEquals(lhHandshakes, handshakes(lh), "lh handshook again");
        assertEquals(n2Handshakes, handshakes(n2), "n2 handshook again");
    }

    @Test
    void reloadAppliesRoutesAcceptTheCaBundleAndLighthouseHosts(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Host n2Host = lab.host("n2", net);
        Host n3Host = lab.host("n3", net);
        Host lh2Host = lab.host("lh2", net);
        Path pkiDir = Files.createDirectories(lhHost.dir().resolve("pki"));
        MeshLab mesh = new MeshLab(lab, Pki.create(pkiDir, "--subnets", "198.51.100.0/24"));
        Member lh = mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        Member n2 = mesh.start(n2Host, "n2", 2, MeshLab.registersWith(lhHost) + "routes: {advertise: [" + ROUTE + "]}\n",
                java.util.Map.of(), ROUTE);
        Member lh2 = mesh.start(lh2Host, "lh2", 4, MeshLab.LIGHTHOUSE);
        Path config = pkiDir.resolve("lh.yml");
        String original = Files.readString(config);

        // routes.accept: false takes n2's route out of lh's kernel; back to the default puts it back
        mesh.await(() -> "installed".equals(routeState(lh)) && kernelRoute(lh).contains("dev " + lh.dev()), DEADLINE,
                "lh installs n2's route");
        Files.writeString(config, original + "routes: {accept: false}\n");
        ExecResult refusing = reload(lh);
        assertEquals(0, refusing.exitCode(), refusing.stderr());
        assertEquals("reloaded: routes.accept: routes re-evaluated (0 installed, 1 refused)", refusing.stdout().strip());
        JsonNode route = MeshLab.json(lh, "routes", "--json").path("routes").get(0);
        assertEquals("refused", route.path("state").asText(), route.toString());
        assertEquals("routes.accept is false", route.path("reason").asText());
        assertEquals("", kernelRoute(lh), "the kernel route is gone");
        Files.writeString(config, original);
        ExecResult accepting = reload(lh);
        assertEquals("reloaded: routes.accept: routes re-evaluated (1 installed, 0 refused)", accepting.stdout().strip(),
                accepting.stderr());
        assertEquals("installed", routeState(lh));
        assertTrue(kernelRoute(lh).contains("dev " + lh.dev()), kernelRoute(lh));

        // pki.ca: n3's CA is trusted by n3 beside lh's, but not by lh until lh's reload adds it
        Path secondDir = Files.createDirectories(n3Host.dir().resolve("pki2"));
        Pki second = Pki.named(secondDir, "second").trusting("[ca.crt, " + pkiDir.resolve("ca.crt") + "]");
        Files.copy(second.caCertificate(), pkiDir.resolve("ca2.crt"));
        Member n3 = new MeshLab(lab, second).start(n3Host, "n3", 3, MeshLab.registersWith(lhHost));
        mesh.members.add(n3);
        Thread.sleep(4_000); // n3 says hello every 2 s
        assertNull(MeshLab.stateSeenBy(lh, "n3"), "lh does not trust n3's CA yet");
        Files.writeString(config, original.replace("ca: ca.crt", "ca: [ca.crt, ca2.crt]"));
        ExecResult added = reload(lh);
        assertEquals("reloaded: pki.ca: 2 CAs trusted ('second' added, none removed)", added.stdout().strip(), added.stderr());
        mesh.await(() -> "alive".equals(MeshLab.stateSeenBy(lh, "n3")) && "alive".equals(MeshLab.stateSeenBy(n3, "lh")),
                DEADLINE, "n3 joins lh once lh trusts its CA");
        lhHost.ping(n3.v4(), DEADLINE);
        String n3Key = MeshLab.admin(n3, "status").path("public_key").asText();
        assertTrue(peerKeys(lh).contains(n3Key), "a WireGuard session to n3");
        Files.writeString(config, original);
        ExecResult removed = reload(lh);
        assertEquals("reloaded: pki.ca: 1 CA trusted (none added, 'second' removed); "
                + "sessions to 1 member of a CA no longer trusted ended: n3", removed.stdout().strip(), removed.stderr());
        assertNull(MeshLab.stateSeenBy(lh, "n3"), "n3 is no longer a member of lh");
        assertFalse(peerKeys(lh).contains(n3Key), "its session ended");
        assertFalse(lhHost.canPing(n3.v4(), Duration.ofSeconds(3)), "n3 is out of reach");
        Thread.sleep(3_000);
        assertNull(MeshLab.stateSeenBy(lh, "n3"), "n3's hellos are refused again");

        // lighthouse.hosts: n2 joins lh2 once it is one of its lighthouses; lh stops being one, its session stays
        Path n2Config = pkiDir.resolve("n2.yml");
        String n2Original = Files.readString(n2Config);
        String both = "lighthouse: {hosts: [\"" + lhHost.ipv4().getHostAddress() + ":4242\", \""
                + lh2Host.ipv4().getHostAddress() + ":4242\"]}\n";
        assertNull(MeshLab.stateSeenBy(lh2, "n2"), "lh2 is nobody's lighthouse yet");
        Files.writeString(n2Config, n2Original.replace(MeshLab.registersWith(lhHost), both));
        ExecResult more = reload(n2);
        assertEquals("reloaded: lighthouse.hosts: 1 added, 0 removed", more.stdout().strip(), more.stderr());
        mesh.await(() -> "alive".equals(MeshLab.stateSeenBy(lh2, "n2")) && "alive".equals(MeshLab.stateSeenBy(lh2, "lh")),
                DEADLINE, "n2 joins lh2, and lh2 learns of lh through it");
        n2Host.ping(lh.v4(), DEADLINE);
        long handshakes = handshakes(n2);
        Files.writeString(n2Config, n2Original.replace(MeshLab.registersWith(lhHost), MeshLab.registersWith(lh2Host)));
        ExecResult fewer = reload(n2);
        assertEquals("reloaded: lighthouse.hosts: 0 added, 1 removed", fewer.stdout().strip(), fewer.stderr());
        JsonNode lighthouses = MeshLab.admin(n2, "status").path("lighthouses");
        assertEquals(1, lighthouses.size(), lighthouses.toString());
        assertEquals(lh2Host.ipv4().getHostAddress() + ":4242", lighthouses.get(0).path("address").asText());
        assertEquals("lh2", lighthouses.get(0).path("name").asText());
        n2Host.ping(lh.v4(), DEADLINE);
        assertEquals("alive", MeshLab.stateSeenBy(n2, "lh"));
        assertEquals(handshakes, handshakes(n2), "the session to lh was kept");
    }

    private static String routeState(Member m) {
        JsonNode routes = MeshLab.admin(m, "routes").path("routes");
        return routes.size() == 0 ? null : routes.get(0).path("state").asText();
    }

    private static String kernelRoute(Member m) {
        return m.host().exec("ip", "route", "show", ROUTE).stdout().strip();
    }

    private static List<String> peerKeys(Member m) {
        List<String> out = new java.util.ArrayList<>();
        MeshLab.admin(m, "status").path("peers").forEach(p -> out.add(p.path("public_key").asText()));
        return out;
    }

    private static List<String> dig(Member m, String name) {
        ExecResult r = m.host().exec(List.of("dig", "+short", "+time=2", "+tries=1", "@" + m.v4().getHostAddress(), name, "A"),
                Duration.ofSeconds(10));
        return r.stdout().lines().filter(l -> !l.isBlank() && !l.startsWith(";")).toList();
    }

    private static ExecResult reload(Member m) {
        return m.host().exec(Lab.weft("reload", "--dev", m.dev()), Duration.ofSeconds(30));
    }

    private static long handshakes(Member m) {
        return MeshLab.admin(m, "status").path("handshakes_completed").asLong();
    }
}

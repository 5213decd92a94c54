package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.chaos.e2e.MeshLab.Member;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Segment;
import dev.weft.chaos.lab.StreamResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Reload under load: while a hashed TCP stream runs through the overlay, the receiving node is
 * reloaded with {@code weft reload} and SIGHUP (a change applied, a change refused, a broken
 * file). The stream arrives intact and no session is handshaken again.
 */
@RequiresLab
class ReloadE2eTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

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

        CompletableFuture<StreamResult> stream = CompletableFuture.supplyAsync(
                () -> n2Host.streamTo(lhHost, lh.v4(), 768L << 20, Duration.ofSeconds(120)));
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
                + "routes: {accept: false}\n");
        ExecResult refused = reload(lh);
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("reload refused, nothing was changed: routes.accept needs a restart"),
                refused.stderr());

        Files.writeString(config, original + "dns: {upstreams: [\n");
        lhHost.exec("kill", "-HUP", Long.toString(lh.process().process.pid())).requireOk();
        lh.process().process.awaitError("SIGHUP: reload refused, nothing was changed: " + config + ":", DEADLINE);
        Files.writeString(config, original + "dns: {upstreams: ['192.0.2.53'], records: [{name: www, type: A}]}\n");
        lhHost.exec("kill", "-HUP", Long.toString(lh.process().process.pid())).requireOk();
        lh.process().process.awaitError("SIGHUP: reloaded: nothing changed", DEADLINE);
        assertFalse(stream.isDone(), "the stream ended before the reloads did: make it longer");

        StreamResult r = stream.get().requireIntact();
        System.err.printf("stream: %d bytes intact in %.1f s across 5 reloads%n", r.receivedBytes(), r.elapsed().toMillis() / 1e3);
        assertTrue(lh.process().process.isAlive(), "the node stopped");
        assertEquals(lhHandshakes, handshakes(lh), "lh handshook again");
        assertEquals(n2Handshakes, handshakes(n2), "n2 handshook again");
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

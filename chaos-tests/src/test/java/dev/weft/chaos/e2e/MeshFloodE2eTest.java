package dev.weft.chaos.e2e;

import static dev.weft.chaos.e2e.MeshLab.aliveSeenBy;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.certs.CertificateVerifier;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.WeftCertificate;
import dev.weft.chaos.e2e.MeshLab.Member;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.PingResult;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Segment;
import dev.weft.lighthouse.channel.ControlChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A flood of hellos at a node: forged ones (random bytes behind the hello type) and valid ones (a
 * real certificate of the network, a fresh signed hello each). The node's memory stays bounded,
 * its verification is rate-limited (the counters say so), and the pings between members go on.
 */
@RequiresLab
class MeshFloodE2eTest {
    private static final int FORGED = 30_000;
    private static final int VALID = 3_000;

    @Test
    void aFloodOfHellosKeepsMemoryBoundedAndPingsAnswered(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Path pkiDir = Files.createDirectories(lhHost.dir().resolve("pki"));
        Pki pki = Pki.create(pkiDir);
        MeshLab mesh = new MeshLab(lab, pki);
        mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        Member target = mesh.start(lab.host("n2", net), "n2", 2, MeshLab.registersWith(lhHost));
        Member other = mesh.start(lab.host("n3", net), "n3", 3, MeshLab.registersWith(lhHost));
        mesh.await(() -> aliveSeenBy(target) == 2 && aliveSeenBy(other) == 2, Duration.ofSeconds(20), "the mesh forms");
        other.host().ping(target.v4(), Duration.ofSeconds(20));
        long rssBefore = rssKb(target);

        Host attacker = lab.host("x", net);
        pki.node("x", "100.64.0.66/10");
        NodeKeys keys = NodeKeys.load(pkiDir.resolve("x.key"));
        WeftCertificate cert = WeftCertificate.load(pkiDir.resolve("x.crt"));
        TrustBundle trust = TrustBundle.load(List.of(pkiDir.resolve("ca.crt")));
        InetSocketAddress victim = new InetSocketAddress(target.host().ipv4(), 4242);
        DatagramChannel socket = attacker.call(() -> DatagramChannel.open().bind(new InetSocketAddress(attacker.ipv4(), 0)));
        try (socket) {
            CompletableFuture<PingResult> pings = CompletableFuture.supplyAsync(
                    () -> other.host().pingStats(target.v4(), 40, Duration.ofMillis(250)));
            SplittableRandom random = new SplittableRandom(1);
            byte[] forged = new byte[1200];
            for (int i = 0; i < FORGED; i++) {
                random.nextBytes(forged);
                forged[0] = (byte) 0xF0;
                forged[1] = 1;
                socket.send(ByteBuffer.wrap(forged), victim);
                if (i % 500 == 0) {
                    Thread.sleep(20); // ~25k datagrams/s: a flood, not a benchmark of the sender
                }
            }
            ControlChannel sender = new ControlChannel(keys, cert, () -> new CertificateVerifier(trust, new RevocationSet()),
                    (datagram, to) -> {
                        try {
                            socket.send(ByteBuffer.wrap(datagram), to);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }, Runnable::run, new dev.weft.lighthouse.channel.ChannelListener() {});
            for (int i = 0; i < VALID; i++) {
                sender.hello(victim); // each one fresh: a new nonce, a new timestamp, a new signature
                if (i % 200 == 0) {
                    Thread.sleep(20);
                }
            }
            PingResult during = pings.get();
            System.err.printf("pings during the flood: %d of %d answered, avg %s%n", during.received(), during.sent(), during.avg());
            assertTrue(during.received() >= during.sent() * 9 / 10, "pings answered during the flood: " + during);
        }
        JsonNode control = MeshLab.admin(target, "status").path("control");
        long verified = control.path("hello_verified").asLong();
        long limited = control.path("drop_rate_source").asLong() + control.path("drop_rate_global").asLong()
                + control.path("drop_queue_full").asLong();
        System.err.println("control counters at the target: " + control);
        assertTrue(verified < 200, "hello verification was rate-limited: " + verified + " verified");
        assertTrue(limited + control.path("drop_malformed").asLong() + control.path("drop_bad_signature").asLong()
                + control.path("drop_bad_certificate").asLong() >= FORGED / 2, "the flood was dropped and counted: " + control);
        long rssAfter = rssKb(target);
        System.err.printf("target RSS %d MB before, %d MB after%n", rssBefore / 1024, rssAfter / 1024);
        assertTrue(rssAfter - rssBefore < 100 * 1024, "memory bounded: " + rssBefore / 1024 + " -> " + rssAfter / 1024 + " MB");
        assertTrue(other.host().canPing(target.v4(), Duration.ofSeconds(5)), "the target still answers");
        for (Member m : mesh.members) {
            m.process().stopAndCheckCleanup();
        }
    }

    private static long rssKb(Member m) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(m.process().process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + m.name());
    }
}

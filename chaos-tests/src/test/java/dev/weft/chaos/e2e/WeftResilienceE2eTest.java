package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import dev.weft.chaos.lab.PingResult;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.RunningStream;
import dev.weft.chaos.lab.Segment;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Two real {@code weft node} processes in the lab under what a hostile or changing network does:
 * replayed and tampered packets (rejected and counted, no roaming to the attacker), rekeying
 * every 2 s under traffic (the test-only setting {@code WEFT_TEST_REKEY_AFTER}), a peer whose
 * underlay address changes mid-stream (roaming), and either side killed hard and restarted.
 */
@RequiresLab
class WeftResilienceE2eTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final InetAddress A = ip("100.64.0.1");
    private static final InetAddress B = ip("100.64.0.2");

    private record Pair(Host a, Host b, WeftProcess nodeA, WeftProcess nodeB) {}

    private static Pair pair(Lab lab, Map<String, String> environment) throws IOException {
        Segment net = lab.internet();
        Host a = lab.host("a", net);
        Host b = lab.host("b", net);
        Pki pki = Pki.create(Files.createDirectories(a.dir().resolve("pki")));
        String keyA = pki.node("a", "100.64.0.1/10");
        String keyB = pki.node("b", "100.64.0.2/10");
        String devA = lab.interfaceName("wa");
        String devB = lab.interfaceName("wb");
        WeftProcess nodeA = WeftProcess.start(a, devA, pki.config("a", WeftProcess.staticPeerConfig(devA, keyB, b.ipv4(), "100.64.0.2/32")), environment);
        WeftProcess nodeB = WeftProcess.start(b, devB, pki.config("b", WeftProcess.staticPeerConfig(devB, keyA, a.ipv4(), "100.64.0.1/32")), environment);
        a.ping(B, DEADLINE);
        return new Pair(a, b, nodeA, nodeB);
    }

    @Test
    void replayedAndTamperedPacketsAreRejectedCountedAndDoNotMoveThePeer(Lab lab) throws Exception {
        Pair p = pair(lab, Map.of());
        Path capture = p.b.dir().resolve("in.pcap");
        String eth = p.b.links().get(0).interfaceName();
        // -Z root: Debian's tcpdump otherwise drops to its own user, who may not write here
        LabProcess tcpdump = p.b.start("tcpdump", "tcpdump", "-i", eth, "-U", "-n", "-Z", "root", "-w", capture.toString(),
                "udp and dst port 4242 and src host " + p.a.ipv4().getHostAddress());
        Thread.sleep(1000); // tcpdump opens its socket
        p.a.pingStats(B, 20, Duration.ofMillis(50));
        Thread.sleep(500);
        tcpdump.stop(Duration.ofSeconds(5));
        List<byte[]> transport = new ArrayList<>();
        for (byte[] d : Pcap.udpPayloads(capture)) {
            if (d.length > 32 && d[0] == 4) { // transport data, not keepalives
                transport.add(d);
            }
        }
        assertTrue(transport.size() >= 15, "captured " + transport.size() + " transport messages\n" + tcpdump.tail(10));

        JsonNode before = p.nodeB.status().get("peers").get(0);
        // An attacker on the path resends what it saw (from another port), then flips a bit of
        // fresh-looking messages (a counter beyond the window, so only the MAC can refuse them).
        List<byte[]> tampered = new ArrayList<>();
        for (byte[] d : transport) {
            byte[] t = d.clone();
            ByteBuffer.wrap(t, 8, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
            t[t.length - 1] ^= 1;
            tampered.add(t);
        }
        InetSocketAddress target = new InetSocketAddress(p.b.ipv4(), 4242);
        p.a.call(() -> {
            try (DatagramSocket attacker = new DatagramSocket(0)) {
                for (byte[] d : transport) {
                    attacker.send(new DatagramPacket(d, d.length, target));
                }
                for (byte[] d : tampered) {
                    attacker.send(new DatagramPacket(d, d.length, target));
                }
            }
            return null;
        });
        Thread.sleep(500);
        JsonNode after = p.nodeB.status().get("peers").get(0);
        long replays = after.get("rejected_replay").asLong() - before.get("rejected_replay").asLong();
        long badMacs = after.get("rejected_bad_mac").asLong() - before.get("rejected_bad_mac").asLong();
        assertEquals(transport.size(), replays, "every replay refused and counted: " + after);
        assertEquals(tampered.size(), badMacs, "every tampered message refused and counted: " + after);
        assertEquals(p.a.ipv4().getHostAddress() + ":4242", after.get("endpoint").asText(),
                "no roaming to the attacker's port");
        PingResult ping = p.b.pingStats(A, 10, Duration.ofMillis(50));
        assertEquals(10, ping.received(), "traffic still flows after the attack");
    }

    @Test
    void rekeysEveryTwoSecondsUnderTrafficWithoutLoss(Lab lab) throws Exception {
        Pair p = pair(lab, Map.of("WEFT_TEST_REKEY_AFTER", "2s"));
        p.nodeA.process.awaitError("shortened WireGuard timers", DEADLINE);
        Set<String> handshakes = new LinkedHashSet<>();
        CompletableFuture<PingResult> pings =
                CompletableFuture.supplyAsync(() -> p.a.pingStats(B, 200, Duration.ofMillis(50)));
        RunningStream stream = p.b.streamUntilStopped(p.a, A, Duration.ofMinutes(3));
        while (!pings.isDone()) {
            handshakes.add(p.nodeA.status().get("peers").get(0).get("last_handshake").asText());
            Thread.sleep(250);
        }
        PingResult ping = pings.get();
        assertEquals(200, ping.received(), "no ping lost across the rekeys: " + ping);
        assertFalse(stream.ended(), "the stream broke during the rekeys");
        stream.stop().requireIntact();
        // 10 s of pings with REKEY_AFTER_TIME = 2 s: a new session every 2-3 s
        assertTrue(handshakes.size() >= 3, "sessions seen: " + handshakes);
    }

    @Test
    void followsAPeerWhoseAddressChangesMidStream(Lab lab) throws Exception {
        Pair p = pair(lab, Map.of());
        String eth = p.a.links().get(0).interfaceName();
        String old = p.a.ipv4().getHostAddress();
        String moved = "203.0.113.200";
        RunningStream stream = p.a.streamUntilStopped(p.b, B, Duration.ofMinutes(3));
        Thread.sleep(1500);
        // A new address, then the old one goes: a's packets now come from elsewhere, and b can
        // only answer if it moves its endpoint on the first authenticated packet from there.
        p.a.exec("sysctl", "-qw", "net.ipv4.conf." + eth + ".promote_secondaries=1").requireOk();
        p.a.exec("ip", "address", "add", moved + "/24", "dev", eth).requireOk();
        p.a.exec("ip", "address", "del", old + "/24", "dev", eth).requireOk();
        long until = System.nanoTime() + DEADLINE.toNanos();
        while (!endpoint(p.nodeB).equals(moved + ":4242") && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertEquals(moved + ":4242", endpoint(p.nodeB), "b follows a to its new address");
        Thread.sleep(1000); // the stream goes on from there
        assertFalse(stream.ended(), "the stream broke when a's address changed");
        stream.stop().requireIntact();
        p.b.ping(A, DEADLINE);
    }

    @Test
    void eitherSideKilledHardAndRestartedConnectsAgain(Lab lab) throws Exception {
        Pair p = pair(lab, Map.of());
        p.nodeA.killAndRestart(); // SIGKILL: stale admin socket, a new session from a's side
        p.a.ping(B, DEADLINE);
        p.b.ping(A, DEADLINE);
        p.a.streamTo(p.b, B, 50_000_000, Duration.ofMinutes(2)).requireIntact();
        p.nodeB.killAndRestart(); // a still holds the old session: b's new initiation replaces it
        p.b.ping(A, DEADLINE);
        p.a.ping(B, DEADLINE);
        p.b.streamTo(p.a, A, 50_000_000, Duration.ofMinutes(2)).requireIntact();
        assertEquals(0, p.nodeA.status().get("peers").get(0).get("rejected_bad_mac").asLong());
    }


    private static String endpoint(WeftProcess node) throws Exception {
        return node.status().get("peers").get(0).get("endpoint").asText();
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}

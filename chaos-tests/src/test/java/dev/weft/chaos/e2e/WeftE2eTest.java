package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Segment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real {@code bin/weft node} processes in two lab namespaces on one segment (TEST-NET underlay,
 * 100.64.0.0/10 and fd00:77::/48 overlay): weft with weft, and weft with a stock
 * {@code wireguard-go} configured only with {@code wg set}. Each side initiates once; pings
 * both ways, a 200 MB TCP stream hashed at both ends, {@code weft status --json}, clean stop; with
 * wireguard-go, once the MAC's vector lanes are in use, 50 MB more each way.
 */
@RequiresLab
class WeftE2eTest {
    private static final long STREAM_BYTES = 200L * 1000 * 1000;
    private static final long LANES_STREAM_BYTES = 50L * 1000 * 1000;
    private static final Duration PING_DEADLINE = Duration.ofSeconds(30);
    private static final Duration STREAM_DEADLINE = Duration.ofMinutes(3);
    private static final InetAddress A4 = ip("100.64.0.1");
    private static final InetAddress B4 = ip("100.64.0.2");
    private static final InetAddress A6 = ip("fd00:77::1");
    private static final InetAddress B6 = ip("fd00:77::2");

    @ParameterizedTest(name = "{0} initiates")
    @ValueSource(strings = {"a", "b"})
    void weftWithWeft(String initiator, Lab lab) throws Exception {
        Segment net = lab.internet();
        Host a = lab.host("a", net);
        Host b = lab.host("b", net);
        Pki pki = Pki.create(Files.createDirectories(a.dir().resolve("pki")));
        String keyA = pki.node("a", "100.64.0.1/10,fd00:77::1/48");
        String keyB = pki.node("b", "100.64.0.2/10,fd00:77::2/48");
        String devA = lab.interfaceName("wa");
        String devB = lab.interfaceName("wb");
        WeftProcess nodeA = WeftProcess.start(a, devA, pki.config("a", WeftProcess.staticPeerConfig(devA, keyB, b.ipv4(), "100.64.0.2/32, fd00:77::2/128")));
        WeftProcess nodeB = WeftProcess.start(b, devB, pki.config("b", WeftProcess.staticPeerConfig(devB, keyA, a.ipv4(), "100.64.0.1/32, fd00:77::1/128")));

        Host first = initiator.equals("a") ? a : b;
        Host second = first == a ? b : a;
        WeftProcess firstNode = first == a ? nodeA : nodeB;
        WeftProcess secondNode = first == a ? nodeB : nodeA;
        InetAddress second4 = first == a ? B4 : A4;
        InetAddress first4 = first == a ? A4 : B4;
        assertTrue(firstNode.status().get("peers").get(0).get("last_handshake").isNull(), "no handshake before traffic");
        first.ping(second4, PING_DEADLINE);
        second.ping(first4, PING_DEADLINE);
        first.ping(first == a ? B6 : A6, PING_DEADLINE);
        second.ping(first == a ? A6 : B6, PING_DEADLINE);

        first.streamTo(second, second4, STREAM_BYTES, STREAM_DEADLINE).requireIntact();

        JsonNode sent = firstNode.status().get("peers").get(0);
        JsonNode got = secondNode.status().get("peers").get(0);
        assertHandshake(sent);
        assertHandshake(got);
        assertEquals(second == b ? keyB : keyA, sent.get("public_key").asText());
        assertTrue(sent.get("tx_bytes").asLong() > STREAM_BYTES, sent.toString());
        assertTrue(got.get("rx_bytes").asLong() > STREAM_BYTES, got.toString());
        assertEquals(0, got.get("rejected_bad_mac").asLong());
        assertEquals(0, secondNode.status().get("rejected_unknown_peer").asLong());
        assertTrue(List.of("lanes", "warming_up", "cold", "scalar").contains(
                firstNode.status().path("crypto").path("poly1305").asText()), firstNode.status().toString());

        nodeA.stopAndCheckCleanup();
        nodeB.stopAndCheckCleanup();
    }

    @ParameterizedTest(name = "{0} initiates")
    @ValueSource(strings = {"weft", "wireguard-go"})
    void weftWithWireguardGo(String initiator, Lab lab) throws Exception {
        Segment net = lab.internet();
        Host a = lab.host("a", net);
        Host g = lab.host("g", net);
        Path dir = Files.createDirectories(a.dir().resolve("pki"));
        Pki pki = Pki.create(dir);
        String keyA = pki.node("a", "100.64.0.1/10,fd00:77::1/48");

        WireGuardGo wg = WireGuardGo.start(lab, g);
        String goDev = wg.dev;
        String keyG = wg.publicKey;
        wg.configure(keyA, new InetSocketAddress(a.ipv4(), 4242), "100.64.0.1/32,fd00:77::1/128",
                List.of("100.64.0.2/10", "fd00:77::2/48"));

        String devA = lab.interfaceName("wa");
        WeftProcess nodeA = WeftProcess.start(a, devA, pki.config("a", """
                tun: {dev: %s}
                wireguard:
                  peers:
                    - public_key: %s
                      endpoint: %s:%d
                      allowed_ips: [100.64.0.2/32, "fd00:77::2/128"]
                """.formatted(devA, keyG, g.ipv4().getHostAddress(), WireGuardGo.PORT)));

        boolean weftFirst = initiator.equals("weft");
        if (weftFirst) {
            a.ping(B4, PING_DEADLINE);
            g.ping(A4, PING_DEADLINE);
        } else {
            g.ping(A4, PING_DEADLINE);
            a.ping(B4, PING_DEADLINE);
        }
        a.ping(B6, PING_DEADLINE);
        g.ping(A6, PING_DEADLINE);

        if (weftFirst) {
            a.streamTo(g, B4, STREAM_BYTES, STREAM_DEADLINE).requireIntact();
        } else {
            g.streamTo(a, A4, STREAM_BYTES, STREAM_DEADLINE).requireIntact();
        }
        JsonNode peer = nodeA.status().get("peers").get(0);
        assertHandshake(peer);
        assertEquals(keyG, peer.get("public_key").asText());
        long counted = weftFirst ? peer.get("tx_bytes").asLong() : peer.get("rx_bytes").asLong();
        assertTrue(counted > STREAM_BYTES, peer.toString());
        // wireguard-go agrees that a handshake happened and bytes flowed
        String dump = g.exec("wg", "show", goDev, "dump").requireOk().stdout();
        String[] peerLine = dump.lines().skip(1).findFirst().orElseThrow().split("\t");
        assertTrue(Long.parseLong(peerLine[4]) > 0, "wireguard-go saw a handshake: " + dump);
        assertTrue(Long.parseLong(weftFirst ? peerLine[5] : peerLine[6]) > STREAM_BYTES, dump);

        // That stream was bulk traffic, which begins the warm-up of the MAC's vector lanes (the
        // launcher gives weft node the Vector API). Once they are in use, a stream each way:
        // wireguard-go checks every tag the lanes make, and they check every tag it makes.
        if (cpuHasAvx2()) {
            awaitPoly1305(nodeA, "lanes");
            a.streamTo(g, B4, LANES_STREAM_BYTES, STREAM_DEADLINE).requireIntact();
            g.streamTo(a, A4, LANES_STREAM_BYTES, STREAM_DEADLINE).requireIntact();
            JsonNode after = nodeA.status().get("peers").get(0);
            assertEquals(0, after.get("rejected_bad_mac").asLong(), after.toString());
            assertEquals("lanes", nodeA.status().path("crypto").path("poly1305").asText());
        }

        nodeA.stopAndCheckCleanup();
        wg.stop();
    }

    /** Where the lanes must come: an x86 CPU with AVX2 (4 longs per vector) or more. */
    private static boolean cpuHasAvx2() throws java.io.IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        return Files.isReadable(cpuinfo) && Files.readString(cpuinfo).contains(" avx2");
    }

    /** Polls {@code weft status --json} until {@code crypto.poly1305} is {@code want}; fails on a final other state. */
    private static void awaitPoly1305(WeftProcess node, String want) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String now = node.status().path("crypto").path("poly1305").asText();
        while (!now.equals(want) && System.nanoTime() < deadline) {
            assertFalse(now.equals("scalar"), "the lanes' warm-up ended without them, or the JVM has none");
            Thread.sleep(200);
            now = node.status().path("crypto").path("poly1305").asText();
        }
        assertEquals(want, now, "crypto.poly1305 after 90 s");
    }

    private static void assertHandshake(JsonNode peer) {
        JsonNode hs = peer.get("last_handshake");
        assertFalse(hs.isNull(), "handshake shown: " + peer);
        Instant when = Instant.parse(hs.asText()); // RFC 3339
        assertTrue(Duration.between(when, Instant.now()).abs().compareTo(Duration.ofMinutes(10)) < 0, hs.asText());
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

}

package dev.weft.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.gossip.MemberState;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.node.cli.Main;
import dev.weft.node.config.NodeConfig;
import dev.weft.dataplane.wireguard.WireGuardOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reload changes between running nodes on this host (over loopback): {@code pki.ca} (a CA
 * added is trusted at once, so a member it signed joins; a CA removed ends the membership and
 * session of the members it signed; a bundle that is broken, empty or no longer trusts the node's
 * own certificate changes nothing), {@code routes.accept} (re-evaluated at once: kernel routes
 * removed and installed), {@code lighthouse.hosts} (a lighthouse added is joined, one removed is no
 * longer used while the member and its session stay). And, with the same nodes, that a member on
 * {@code listen.port: 0} publishes the port the kernel gave it, so others accept its record.
 */
class ReloadMeshTest {
    @TempDir
    static Path dir;
    private static int lighthousePort;
    /** What node r advertises (TEST-NET-3, not the host's own network). */
    private static final String ROUTE = "203.0.113.128/25";

    @BeforeAll
    static void pki() throws Exception {
        try (java.net.DatagramSocket d = new java.net.DatagramSocket(0)) {
            lighthousePort = d.getLocalPort();
        }
        weft("ca", "init", "--name", "one", "--networks", "100.64.0.0/10", "--any-subnet", "--out-crt", p("one.crt"), "--out-key", p("one.key"));
        weft("ca", "init", "--name", "two", "--networks", "100.64.0.0/10", "--out-crt", p("two.crt"), "--out-key", p("two.key"));
        weft("cert", "sign", "--ca-crt", p("one.crt"), "--ca-key", p("one.key"), "--name", "a", "--ip", "100.64.9.1/10",
                "--out-key", p("a.key"), "--out-crt", p("a.crt"));
        weft("cert", "sign", "--ca-crt", p("one.crt"), "--ca-key", p("one.key"), "--name", "r", "--ip", "100.64.9.3/10",
                "--subnets", ROUTE, "--out-key", p("r.key"), "--out-crt", p("r.crt"));
        weft("cert", "sign", "--ca-crt", p("one.crt"), "--ca-key", p("one.key"), "--name", "s", "--ip", "100.64.9.4/10",
                "--out-key", p("s.key"), "--out-crt", p("s.crt"));
        for (int i = 5; i <= 7; i++) {
            String name = List.of("h", "k", "m").get(i - 5);
            weft("cert", "sign", "--ca-crt", p("one.crt"), "--ca-key", p("one.key"), "--name", name, "--ip", "100.64.9." + i + "/10",
                    "--out-key", p(name + ".key"), "--out-crt", p(name + ".crt"));
        }
        weft("cert", "sign", "--ca-crt", p("two.crt"), "--ca-key", p("two.key"), "--name", "b", "--ip", "100.64.9.2/10",
                "--out-key", p("b.key"), "--out-crt", p("b.crt"));
    }

    @Test
    void aCaAddedLetsItsMemberJoinAndACaRemovedEndsItWhileBadBundlesChangeNothing() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: a node needs root for its TUN interface");
        Path aFile = dir.resolve("a.yml");
        Path bFile = dir.resolve("b.yml");
        write(aFile, "a", "[one.crt]", lighthousePort, "lighthouse: {am_lighthouse: true}\n");
        write(bFile, "b", "[one.crt, two.crt]", 0, "lighthouse: {hosts: ['127.0.0.1:" + lighthousePort + "']}\n");
        try (NodeDaemon a = start(aFile); NodeDaemon b = start(bFile)) {
            Thread.sleep(3_000); // b says hello every 2 s
            assertFalse(alive(a, "b"), "a does not trust b's CA yet");

            write(aFile, "a", "[one.crt, two.crt]", lighthousePort, "lighthouse: {am_lighthouse: true}\n");
            assertEquals(List.of("pki.ca: 2 CAs trusted ('two' added, none removed)"), applied(a.reload()));
            await(() -> alive(a, "b") && alive(b, "a"), "b joins a once a trusts b's CA");
            assertEquals("b", a.mesh().ping(a.mesh().find("b")).get(3, TimeUnit.SECONDS).name());

            // refused whole: the running bundle stays, and so does b
            Files.writeString(dir.resolve("junk.crt"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
            write(aFile, "a", "[one.crt, junk.crt]", lighthousePort, "lighthouse: {am_lighthouse: true}\n");
            assertTrue(refusal(a).startsWith("reload refused, nothing was changed: pki.ca: "), refusal(a));
            Files.writeString(dir.resolve("empty.crt"), "# no certificate here\n");
            write(aFile, "a", "[empty.crt]", lighthousePort, "lighthouse: {am_lighthouse: true}\n");
            assertTrue(refusal(a).startsWith("reload refused, nothing was changed: pki.ca: "), refusal(a));
            write(aFile, "a", "[two.crt]", lighthousePort, "lighthouse: {am_lighthouse: true}\n");
            assertTrue(refusal(a).startsWith("reload refused, nothing was changed: pki.ca: the new CA bundle does not trust "
                    + "this node's own certificate ("), refusal(a));
            write(aFile, "a", "[missing.crt]", lighthousePort, "lighthouse: {am_lighthouse: true}\n");
            assertTrue(refusal(a).startsWith("reload refused, nothing was changed: pki.ca: "), refusal(a));
            assertEquals(2, a.mesh().trust().cas().size());
            assertTrue(alive(a, "b"));
            assertTrue(a.mesh().channel().peer(b.mesh().self().identity().x25519PublicKey()).isPresent());

            write(aFile, "a", "[one.crt]", lighthousePort, "lighthouse: {am_lighthouse: true}\n");
            assertEquals(List.of("pki.ca: 1 CA trusted (none added, 'two' removed)",
                    "sessions to 1 member of a CA no longer trusted ended: b"), applied(a.reload()));
            assertFalse(known(a, "b"), "b is no longer a member of a");
            assertTrue(a.mesh().channel().peer(b.mesh().self().identity().x25519PublicKey()).isEmpty());
            assertFalse(a.mesh().sessions().sessions().contains(
                    dev.weft.gossip.NodeId.of(b.mesh().self().identity().x25519PublicKey())), "no session to b");
            Thread.sleep(4_000); // b keeps saying hello
            assertFalse(known(a, "b"), "b's hellos are refused again");
        }
    }

    @Test
    void routesAcceptIsReEvaluatedAtOnce() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: a node needs root for its TUN interface");
        int port = freePort();
        Path sFile = dir.resolve("s.yml");
        Path rFile = dir.resolve("r.yml");
        write(sFile, "s", "[one.crt]", port, "lighthouse: {am_lighthouse: true}\n");
        write(rFile, "r", "[one.crt]", freePort(), "lighthouse: {hosts: ['127.0.0.1:" + port + "']}\nroutes: {advertise: [" + ROUTE + "]}\n");
        try (NodeDaemon s = start(sFile); NodeDaemon r = start(rFile)) {
            try {
                await(() -> routeState(s).equals("installed") && kernelRoute().contains("dev wtrls0"), "s installs r's route");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + MeshReport.routes(s.mesh()) + " / " + kernelRoute()
                        + " / " + s.mesh().members() + " / r: " + r.mesh().self().record() + " / " + r.mesh().members()
                        + " / " + s.mesh().self().record(), e);
            }

            write(sFile, "s", "[one.crt]", port, "lighthouse: {am_lighthouse: true}\nroutes: {accept: false}\n");
            assertEquals(List.of("routes.accept: routes re-evaluated (0 installed, 1 refused)"), applied(s.reload()));
            assertEquals("refused routes.accept is false", routeState(s) + " " + routeReason(s));
            assertEquals("", kernelRoute(), "the kernel route is gone");

            write(sFile, "s", "[one.crt]", port, "lighthouse: {am_lighthouse: true}\nroutes: {accept: [198.51.100.0/24]}\n");
            assertEquals(List.of("routes.accept: routes re-evaluated (0 installed, 1 refused)"), applied(s.reload()));
            assertEquals("refused not inside routes.accept", routeState(s) + " " + routeReason(s));

            write(sFile, "s", "[one.crt]", port, "lighthouse: {am_lighthouse: true}\nroutes: {accept: [203.0.113.0/24]}\n");
            assertEquals(List.of("routes.accept: routes re-evaluated (1 installed, 0 refused)"), applied(s.reload()));
            assertEquals("installed", routeState(s));
            assertTrue(kernelRoute().contains("dev wtrls0"), kernelRoute());

            write(sFile, "s", "[one.crt]", port, "lighthouse: {am_lighthouse: true}\n");
            assertEquals(List.of("routes.accept: routes re-evaluated (1 installed, 0 refused)"), applied(s.reload()));
            assertTrue(kernelRoute().contains("dev wtrls0"), kernelRoute());
            assertTrue(alive(s, "r"), "r stays a member throughout");
        }
        assertEquals("", kernelRoute());
    }

    @Test
    void aMemberOnListenPortZeroPublishesThePortItGotAndItsRoutesArrive() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: a node needs root for its TUN interface");
        int port = freePort();
        Path sFile = dir.resolve("s0.yml");
        Path rFile = dir.resolve("r0.yml");
        write(sFile, "s", "[one.crt]", port, "lighthouse: {am_lighthouse: true}\n");
        write(rFile, "r", "[one.crt]", 0, "lighthouse: {hosts: ['127.0.0.1:" + port + "']}\nroutes: {advertise: [" + ROUTE + "]}\n");
        try (NodeDaemon s = start(sFile); NodeDaemon r = start(rFile)) {
            int bound = r.dataplane().udp().port();
            assertTrue(bound > 0, "the kernel chose a port");
            await(() -> routeState(s).equals("installed"), "s takes r's record and installs its route");
            assertTrue(r.mesh().self().record().toString().contains(":" + bound), r.mesh().self().record().toString());
        }
        assertEquals("", kernelRoute());
    }

    @Test
    void lighthouseHostsAddedAreJoinedAndRemovedOnesNoLongerUsed() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: a node needs root for its TUN interface");
        int hPort = freePort();
        int kPort = freePort();
        Path hFile = dir.resolve("h.yml");
        Path kFile = dir.resolve("k.yml");
        Path mFile = dir.resolve("m.yml");
        write(hFile, "h", "[one.crt]", hPort, "lighthouse: {am_lighthouse: true}\n");
        write(kFile, "k", "[one.crt]", kPort, "lighthouse: {am_lighthouse: true}\n");
        int mPort = freePort();
        write(mFile, "m", "[one.crt]", mPort, "lighthouse: {hosts: ['127.0.0.1:" + hPort + "']}\n");
        try (NodeDaemon h = start(hFile); NodeDaemon k = start(kFile); NodeDaemon m = start(mFile)) {
            await(() -> alive(h, "m") && alive(m, "h"), "m joins through h");
            assertFalse(known(k, "m"), "k is nobody's lighthouse yet");

            write(mFile, "m", "[one.crt]", mPort, "lighthouse: {hosts: ['127.0.0.1:" + hPort + "', '127.0.0.1:"
                    + kPort + "']}\n");
            assertEquals(List.of("lighthouse.hosts: 1 added, 0 removed"), applied(m.reload()));
            await(() -> alive(k, "m") && alive(m, "k"), "m joins through k once it is one of m's lighthouses");
            await(() -> alive(k, "h"), "k learns of h through m");
            await(() -> m.mesh().lighthouses().values().containsAll(List.of("h", "k")), "both answered");

            write(mFile, "m", "[one.crt]", mPort, "lighthouse: {hosts: ['127.0.0.1:" + kPort + "']}\n");
            assertEquals(List.of("lighthouse.hosts: 0 added, 1 removed"), applied(m.reload()));
            assertEquals(List.of("k"), List.copyOf(m.mesh().lighthouses().values()));
            assertEquals("127.0.0.1:" + kPort, s(m.status().path("lighthouses").get(0).path("address")));
            assertEquals(1, m.status().path("lighthouses").size());
            assertTrue(alive(m, "h") && m.mesh().channel().peer(h.mesh().self().identity().x25519PublicKey()).isPresent(),
                    "h stays a member, its channel session kept");
        }
    }

    private static String s(JsonNode n) {
        return n.asText();
    }

    private static String routeState(NodeDaemon node) {
        JsonNode routes = MeshReport.routes(node.mesh()).path("routes");
        return routes.size() == 0 ? "none" : routes.get(0).path("state").asText();
    }

    private static String routeReason(NodeDaemon node) {
        return MeshReport.routes(node.mesh()).path("routes").get(0).path("reason").asText();
    }

    private static String kernelRoute() {
        try {
            Process p = new ProcessBuilder("ip", "route", "show", ROUTE).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static int freePort() throws Exception {
        try (java.net.DatagramSocket d = new java.net.DatagramSocket(0)) {
            return d.getLocalPort();
        }
    }

    private static boolean alive(NodeDaemon node, String name) {
        for (MeshDirectory.Member m : node.mesh().members()) {
            if (m.name().equals(name) && m.state() == MemberState.ALIVE) {
                return true;
            }
        }
        return false;
    }

    private static boolean known(NodeDaemon node, String name) {
        return node.mesh().members().stream().anyMatch(m -> m.name().equals(name));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static NodeDaemon start(Path file) throws Exception {
        return NodeDaemon.start(NodeConfig.load(file), Clock.systemUTC(), WireGuardOptions.standard(), file);
    }

    private static String refusal(NodeDaemon node) {
        return assertThrows(IllegalArgumentException.class, node::reload).getMessage();
    }

    private static List<String> applied(JsonNode reply) {
        List<String> out = new ArrayList<>();
        reply.path("applied").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void write(Path file, String name, String cas, int port, String extra) throws Exception {
        Files.writeString(file, "pki: {ca: " + cas + ", cert: " + name + ".crt, key: " + name + ".key}\n"
                + "tun: {dev: wtrl" + name + "0}\nlisten: {port: " + port + "}\n"
                + "admin: {socket: " + dir.resolve(name + ".sock") + "}\nstate_dir: " + dir.resolve("state-" + name) + "\n"
                + "dns: {enabled: false}\n" + extra);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void weft(String... args) {
        assertEquals(0, Main.commandLine().execute(args), String.join(" ", args));
    }
}

package dev.weft.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.certs.WeftCertificate;
import dev.weft.dataplane.wireguard.PeerStatus;
import dev.weft.node.cli.Main;
import dev.weft.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NodeDaemon#reload}: what it applies to a running node (static peers and their kernel
 * routes, DNS upstreams, blocklist entries), and what it refuses whole, changing nothing (a key
 * that needs a restart, a changed certificate, a broken file).
 */
class ReloadTest {
    private static final String DEV = "wtreload0";
    private static final String PEER = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";

    @TempDir
    static Path dir;
    private static int DNS_PORT;

    @BeforeAll
    static void pki() throws Exception {
        try (java.net.DatagramSocket d = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            DNS_PORT = d.getLocalPort();
        }
        weft("ca", "init", "--name", "lab", "--networks", "100.64.0.0/10", "--out-crt", p("ca.crt"), "--out-key", p("ca.key"));
        weft("cert", "keygen", "--out-key", p("n.key"), "--out-pub", p("n.pub"));
        weft("cert", "sign", "--ca-crt", p("ca.crt"), "--ca-key", p("ca.key"), "--name", "r1", "--ip", "100.64.8.1/10",
                "--pub", p("n.pub"), "--out-crt", p("n.crt"));
        weft("cert", "sign", "--ca-crt", p("ca.crt"), "--ca-key", p("ca.key"), "--name", "other", "--ip", "100.64.8.2/10",
                "--out-key", p("o.key"), "--out-crt", p("o.crt"));
        weft("ca", "revoke", "--ca-crt", p("ca.crt"), "--ca-key", p("ca.key"), "--cert", p("o.crt"), "--out", p("o.revoked"));
    }

    @Test
    void appliesPeersDnsAndBlocklistAndRefusesRestartKeysChangingNothing() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: a node needs root for its TUN interface");
        Path file = dir.resolve("node.yml");
        Path blocklist = dir.resolve("block.txt");
        Files.writeString(blocklist, "# none yet\n");
        write(file, "");
        try (NodeDaemon node = NodeDaemon.start(NodeConfig.load(file), Clock.systemUTC(),
                dev.weft.dataplane.wireguard.WireGuardOptions.standard(), file)) {
            assertEquals(List.of(), applied(node.reload()), "an unchanged file changes nothing");
            write(file, "logging: {level: debug}\n");
            assertEquals(List.of("logging.level: debug"), applied(node.reload()));
            write(file, "logging: {level: warn, format: json}\n");
            assertEquals("reload refused, nothing was changed: logging.format needs a restart", refusal(node));
            assertEquals("debug", node.config().logging().level());
            write(file, "");
            assertEquals(List.of("logging.level: info"), applied(node.reload()));
            write(file, "");
            Files.writeString(file, Files.readString(file).replace("listen: {port: 0}", "listen: {port: 0, gso: false}"));
            assertEquals("reload refused, nothing was changed: listen.gso needs a restart", refusal(node));
            write(file, "");
            Files.writeString(file, Files.readString(file).replace("mtu: 1420}", "mtu: 1420, offloads: false}"));
            assertEquals("reload refused, nothing was changed: tun.offloads needs a restart; tun.gro needs a restart",
                    refusal(node));

            write(file, "wireguard: {peers: [{public_key: " + PEER + ", endpoint: '192.0.2.7:51820', allowed_ips: [100.64.99.2/32]}]}\n", "192.0.2.53");
            assertEquals(List.of("wireguard.peers: 1 added, 0 changed, 0 removed", "dns.upstreams and dns.forward"),
                    applied(node.reload()));
            assertEquals("192.0.2.7", peer(node).endpoint().getAddress().getHostAddress());
            assertTrue(route("100.64.99.2").contains("dev " + DEV), route("100.64.99.2"));

            write(file, "wireguard: {peers: [{public_key: " + PEER + ", endpoint: '192.0.2.8:51820', allowed_ips: [100.64.99.3/32]}]}\n", "192.0.2.53");
            assertEquals(List.of("wireguard.peers: 0 added, 1 changed, 0 removed"), applied(node.reload()));
            assertEquals("192.0.2.8", peer(node).endpoint().getAddress().getHostAddress());
            assertEquals("", route("100.64.99.2"), "the old allowed IP's route is gone");
            assertTrue(route("100.64.99.3").contains("dev " + DEV));

            // restart-only keys: refused whole, even with a reloadable change beside them
            String withPeer = "wireguard: {peers: [{public_key: " + PEER + ", endpoint: '192.0.2.8:51820', allowed_ips: [100.64.99.3/32]}]}\n";
            write(file, withPeer + "routes: {advertise: [198.51.100.0/24]}\n", "192.0.2.54", 1400);
            String m = refusal(node);
            assertEquals("reload refused, nothing was changed: tun.mtu needs a restart", m);
            write(file, withPeer + "routes: {advertise: [198.51.100.0/24]}\n", "192.0.2.53");
            assertEquals("reload refused, nothing was changed: routes.advertise[0]: 198.51.100.0/24 is outside the "
                    + "certificate's subnets []", refusal(node), "a route the certificate does not allow");
            write(file, withPeer, "192.0.2.53", 1420, ", records: [{name: www, type: A}]");
            assertEquals(List.of("routes.advertise and dns.records: published to the mesh"), applied(node.reload()));
            assertEquals(1, node.config().dns().records().size());
            write(file, withPeer, "192.0.2.53");
            assertEquals(List.of("routes.advertise and dns.records: published to the mesh"), applied(node.reload()));
            assertEquals(1420, node.config().tunMtu());
            assertEquals("192.0.2.53", node.config().dns().upstreams().get(0).getAddress().getHostAddress());

            write(file, withPeer + "wireguard: {peers: [\n", "192.0.2.53");
            assertTrue(refusal(node).startsWith("reload refused, nothing was changed: " + file + ":"), refusal(node));
            write(file, withPeer, "192.0.2.54");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            assertTrue(refusal(node).contains("chmod"), refusal(node));

            // blocklist: a bad line refuses everything; a good one is added; a removed one stays in force
            write(file, "pki: {ca: ca.crt, cert: n.crt, key: n.key, blocklist: block.txt}\n");
            Files.writeString(blocklist, "not a fingerprint\n");
            assertTrue(refusal(node).startsWith("reload refused, nothing was changed: pki.blocklist: " + blocklist + ":1: "));
            assertEquals(1, node.dataplane().device().peers().size(), "the refused reload removed no peer");
            String fingerprint = WeftCertificate.load(dir.resolve("o.crt")).fingerprint();
            Files.writeString(blocklist, fingerprint + "\n");
            assertEquals(List.of("pki.blocklist: 1 entry added", "wireguard.peers: 0 added, 0 changed, 1 removed",
                    "dns.upstreams and dns.forward"), applied(node.reload()));
            assertEquals(0, node.dataplane().device().peers().size());
            assertEquals("", route("100.64.99.3"));
            Files.writeString(blocklist, "# emptied\n");
            JsonNode r = node.reload();
            assertEquals(List.of(), applied(r));
            assertEquals("pki.blocklist: 1 entry no longer in the file stays in force until a restart", r.path("notices").get(0).asText());

            // a new revocation file is handed to gossip; dropping the file later does not lift it
            write(file, "pki: {ca: ca.crt, cert: n.crt, key: n.key, revocations: [o.revoked]}\n");
            assertEquals(List.of("pki.revocations: 1 new revocation"), applied(node.reload()));
            assertEquals(List.of(), applied(node.reload()), "known already");
            write(file, "");
            JsonNode dropped = node.reload();
            assertEquals(List.of(), applied(dropped));
            assertTrue(dropped.path("notices").get(0).asText().startsWith("pki.revocations: a revocation stays in force"),
                    dropped.toString());

            // the node's own certificate re-signed under the same path
            weft("cert", "sign", "--ca-crt", p("ca.crt"), "--ca-key", p("ca.key"), "--name", "r1", "--ip", "100.64.8.1/10",
                    "--pub", p("n.pub"), "--out-crt", p("n.crt"), "--force");
            assertEquals("reload refused, nothing was changed: pki.cert: the certificate file changed, needs a restart",
                    refusal(node));
        }
    }

    private static PeerStatus peer(NodeDaemon node) {
        List<PeerStatus> peers = node.dataplane().device().peers();
        assertEquals(1, peers.size(), peers.toString());
        return peers.get(0);
    }

    private static String refusal(NodeDaemon node) {
        return assertThrows(IllegalArgumentException.class, node::reload).getMessage();
    }

    private static List<String> applied(JsonNode reply) {
        List<String> out = new ArrayList<>();
        reply.path("applied").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void write(Path file, String extra) throws Exception {
        write(file, extra, null);
    }

    private static void write(Path file, String extra, String upstream) throws Exception {
        write(file, extra, upstream, 1420);
    }

    private static void write(Path file, String extra, String upstream, int mtu) throws Exception {
        write(file, extra, upstream, mtu, "");
    }

    /** {@code dnsMore}: more keys inside {@code dns: {...}}, after listen and upstreams. */
    private static void write(Path file, String extra, String upstream, int mtu, String dnsMore) throws Exception {
        String base = extra.startsWith("pki:") ? "" : "pki: {ca: ca.crt, cert: n.crt, key: n.key}\n";
        Files.writeString(file, base + "tun: {dev: " + DEV + ", mtu: " + mtu + "}\nlisten: {port: 0}\n"
                + "admin: {socket: " + dir.resolve("r.sock") + "}\nstate_dir: " + dir.resolve("state") + "\n"
                + "dns: {listen: ['127.0.0.1:" + DNS_PORT + "']" + (upstream == null ? "" : ", upstreams: ['" + upstream + "']")
                + dnsMore + "}\n" + extra);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static String route(String address) throws Exception {
        Process p = new ProcessBuilder("ip", "route", "show", address + "/32").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void weft(String... args) {
        assertEquals(0, Main.commandLine().execute(args), String.join(" ", args));
    }
}

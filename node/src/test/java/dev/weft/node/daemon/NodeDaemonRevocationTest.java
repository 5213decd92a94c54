package dev.weft.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.certs.WeftCertificate;
import dev.weft.node.cli.Main;
import dev.weft.node.config.LighthouseConfig;
import dev.weft.node.config.NodeConfig;
import dev.weft.node.config.RelayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pki.blocklist} and {@code pki.revocations} are read at start: a revoked node does not start, a bad file is refused. */
class NodeDaemonRevocationTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void pki() {
        weft("ca", "init", "--name", "one", "--out-crt", p("ca1.crt"), "--out-key", p("ca1.key"));
        weft("ca", "init", "--name", "two", "--out-crt", p("ca2.crt"), "--out-key", p("ca2.key"));
        weft("cert", "sign", "--ca-crt", p("ca1.crt"), "--ca-key", p("ca1.key"), "--name", "a", "--ip", "100.64.0.1/10",
                "--out-key", p("a.key"), "--out-crt", p("a.crt"));
        weft("cert", "sign", "--ca-crt", p("ca2.crt"), "--ca-key", p("ca2.key"), "--name", "b", "--ip", "100.64.0.2/10",
                "--out-key", p("b.key"), "--out-crt", p("b.crt"));
        weft("ca", "revoke", "--ca-crt", p("ca1.crt"), "--ca-key", p("ca1.key"), "--cert", p("a.crt"), "--out", p("a.revoked"));
        weft("ca", "revoke", "--ca-crt", p("ca2.crt"), "--ca-key", p("ca2.key"), "--cert", p("b.crt"), "--out", p("b.revoked"));
    }

    @Test
    void aNodeOnItsOwnBlocklistDoesNotStart() throws Exception {
        Path block = dir.resolve("block.txt");
        Files.writeString(block, "# lost laptop\n" + WeftCertificate.load(dir.resolve("a.crt")).fingerprint() + "\n");
        String m = refusal(List.of(), block);
        assertTrue(m.startsWith("pki.cert: ") && m.contains("is not valid under pki.ca") && m.contains("blocklisted"), m);
    }

    @Test
    void aNodeWithARevocationOfItselfDoesNotStart() {
        String m = refusal(List.of(dir.resolve("a.revoked")), null);
        assertTrue(m.startsWith("pki.cert: ") && m.contains("revoked by CA 'one'"), m);
    }

    @Test
    void aRevocationOfAnotherCaIsRefused() {
        String m = refusal(List.of(dir.resolve("a.revoked"), dir.resolve("b.revoked")), null);
        assertTrue(m.startsWith("pki.revocations[1]: "), m);
    }

    @Test
    void missingAndMalformedFilesAreRefused() throws Exception {
        assertTrue(refusal(List.of(), dir.resolve("nope.txt")).startsWith("pki.blocklist: "));
        assertTrue(refusal(List.of(dir.resolve("nope.revoked")), null).startsWith("pki.revocations[0]: "));
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "not a fingerprint\n");
        String m = refusal(List.of(), bad);
        assertTrue(m.startsWith("pki.blocklist: " + bad + ":1: "), m);
    }

    private static String refusal(List<Path> revocations, Path blocklist) {
        NodeConfig c = new NodeConfig(List.of(dir.resolve("ca1.crt")), dir.resolve("a.crt"), dir.resolve("a.key"), 0, "wtrevoke0",
                1420, dir.resolve("admin.sock"), List.of(), LighthouseConfig.NONE, List.of(), dir.resolve("state"), revocations,
                blocklist, RelayConfig.DEFAULT, dev.weft.node.config.RoutesConfig.DEFAULT, dev.weft.node.config.DnsConfig.DEFAULT);
        return assertThrows(NodeStartException.class, () -> NodeDaemon.start(c, Clock.systemUTC())).getMessage();
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void weft(String... args) {
        assertEquals(0, Main.commandLine().execute(args), String.join(" ", args));
    }
}

package dev.weft.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.certs.TrustBundle;
import dev.weft.certs.WeftCertificate;
import dev.weft.node.cli.Main;
import dev.weft.node.config.DnsConfig;
import dev.weft.node.config.LighthouseConfig;
import dev.weft.node.config.NodeConfig;
import dev.weft.node.config.RelayConfig;
import dev.weft.node.config.RoutesConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reload does with {@code pki.ca} before anything moves: the refusals, and what counts as a change. */
class CaBundleChangeTest {
    @TempDir
    static Path dir;
    private static WeftCertificate own;
    private static TrustBundle one;

    @BeforeAll
    static void pki() throws Exception {
        weft("ca", "init", "--name", "one", "--out-crt", p("one.crt"), "--out-key", p("one.key"));
        weft("ca", "init", "--name", "two", "--out-crt", p("two.crt"), "--out-key", p("two.key"));
        weft("cert", "sign", "--ca-crt", p("one.crt"), "--ca-key", p("one.key"), "--name", "a", "--ip", "100.64.0.1/10",
                "--out-key", p("a.key"), "--out-crt", p("a.crt"));
        own = WeftCertificate.load(dir.resolve("a.crt"));
        one = TrustBundle.load(List.of(dir.resolve("one.crt")));
        Files.writeString(dir.resolve("both.crt"), Files.readString(dir.resolve("two.crt")) + Files.readString(dir.resolve("one.crt")));
    }

    @Test
    void theSameCasInOtherFilesChangeNothing() {
        assertFalse(plan("one.crt").changes());
        CaBundleChange c = plan("two.crt", "one.crt");
        assertTrue(c.changes());
        assertEquals("pki.ca: 2 CAs trusted ('two' added, none removed)", c.describe());
        CaBundleChange same = CaBundleChange.plan(config("both.crt"), c.bundle(), own, Instant.now());
        assertFalse(same.changes(), "one file holding both CAs is the same bundle");
        assertEquals("pki.ca: 1 CA trusted (none added, 'two' removed)",
                CaBundleChange.plan(config("one.crt"), c.bundle(), own, Instant.now()).describe());
    }

    @Test
    void aBundleThatDoesNotTrustTheNodeItselfIsRefused() {
        String m = refusal("two.crt");
        assertTrue(m.startsWith("reload refused, nothing was changed: pki.ca: the new CA bundle does not trust this node's own "
                + "certificate (unknown CA "), m);
        assertTrue(plan("one.crt", "two.crt").changes(), "a bundle that still holds the node's CA is taken");
        String expired = assertThrows(IllegalArgumentException.class, () -> CaBundleChange.plan(config("one.crt", "two.crt"), one,
                own, Instant.now().plusSeconds(400L * 24 * 3600))).getMessage();
        assertTrue(expired.contains("does not trust this node's own certificate") && expired.contains("expired"), expired);
    }

    @Test
    void brokenEmptyMissingAndNonCaFilesAreRefused() throws Exception {
        Files.writeString(dir.resolve("junk.crt"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
        Files.writeString(dir.resolve("empty.crt"), "");
        Files.writeString(dir.resolve("words.crt"), "not PEM at all\n");
        for (String f : List.of("junk.crt", "empty.crt", "words.crt", "missing.crt", "a.crt")) {
            String m = refusal("one.crt", f);
            assertTrue(m.startsWith("reload refused, nothing was changed: pki.ca: "), f + ": " + m);
            assertFalse(m.contains("\n"), "one line: " + m);
        }
        assertTrue(refusal("a.crt").contains("is not a CA certificate"), refusal("a.crt"));
    }

    private static CaBundleChange plan(String... cas) {
        return CaBundleChange.plan(config(cas), one, own, Instant.now());
    }

    private static String refusal(String... cas) {
        return assertThrows(IllegalArgumentException.class, () -> plan(cas)).getMessage();
    }

    private static NodeConfig config(String... cas) {
        List<Path> files = new ArrayList<>();
        for (String c : cas) {
            files.add(dir.resolve(c));
        }
        return new NodeConfig(files, dir.resolve("a.crt"), dir.resolve("a.key"), 0, "wtcab0", 1420, dir.resolve("a.sock"),
                List.of(), LighthouseConfig.NONE, List.of(), dir.resolve("state"), List.of(), null, RelayConfig.DEFAULT,
                RoutesConfig.DEFAULT, DnsConfig.DEFAULT);
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void weft(String... args) {
        assertEquals(0, Main.commandLine().execute(args), String.join(" ", args));
    }
}

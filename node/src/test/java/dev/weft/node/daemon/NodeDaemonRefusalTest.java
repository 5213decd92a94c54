package dev.weft.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.node.cli.Main;
import dev.weft.node.config.NodeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node refuses to start, before touching the network, when its PKI files do not fit. */
class NodeDaemonRefusalTest {
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
    }

    @Test
    void refusesACertificateOfAnotherCa() {
        String m = refusal("ca1.crt", "b.crt", "b.key");
        assertTrue(m.startsWith("pki.cert: ") && m.contains("is not valid under pki.ca"), m);
    }

    @Test
    void refusesAKeyThatIsNotTheCertificates() {
        String m = refusal("ca1.crt", "a.crt", "b.key");
        assertTrue(m.startsWith("pki.key: ") && m.contains("is not the key of the certificate"), m);
    }

    @Test
    void refusesMissingFiles() {
        assertTrue(refusal("nope.crt", "a.crt", "a.key").startsWith("pki.ca: "));
        assertTrue(refusal("ca1.crt", "nope.crt", "a.key").startsWith("pki.cert: "));
        assertTrue(refusal("ca1.crt", "a.crt", "nope.key").startsWith("pki.key: "));
    }

    private static String refusal(String ca, String cert, String key) {
        NodeConfig c = new NodeConfig(List.of(dir.resolve(ca)), dir.resolve(cert), dir.resolve(key), 0, "wtrefuse0", 1420,
                dir.resolve("admin.sock"), List.of());
        return assertThrows(NodeStartException.class, () -> NodeDaemon.start(c, Clock.systemUTC())).getMessage();
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void weft(String... args) {
        assertEquals(0, Main.commandLine().execute(args), String.join(" ", args));
    }
}

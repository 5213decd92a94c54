package dev.weft.node.cli;

import static dev.weft.node.cli.WeftCli.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.node.config.HostPort;
import dev.weft.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/*.yml} work as they are: each is copied unchanged (mode 0600, as its comment
 * says) beside a CA, certificate and key created under the names its {@code pki} section gives,
 * loaded with the real loader, and its certificate verified against its CA.
 */
class ExamplesTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir
    Path dir;

    @Test
    void theNodeExampleWorksAsItIs() throws Exception {
        NodeConfig c = load("node.yml", "n1", "100.64.0.2/10");
        assertFalse(c.lighthouse().amLighthouse());
        assertEquals(List.of(HostPort.parse("192.0.2.1:4242")), c.lighthouse().hosts());
        assertTrue(c.relay().useRelays());
    }

    @Test
    void theLighthouseExampleWorksAsItIs() throws Exception {
        NodeConfig c = load("lighthouse.yml", "lh1", "100.64.0.1/10");
        assertTrue(c.lighthouse().amLighthouse());
        assertTrue(c.relay().amRelay());
        assertEquals(List.of(HostPort.parse("192.0.2.1:4242")), c.advertiseAddrs());
    }

    private NodeConfig load(String example, String name, String ip) throws Exception {
        Path source = ROOT.resolve("examples").resolve(example);
        assertTrue(Files.isRegularFile(source), "no " + source);
        Path file = Files.copy(source, dir.resolve(example));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        NodeConfig paths = NodeConfig.parse(Files.readString(file), dir); // where the example expects its pki files
        assertEquals(1, paths.caFiles().size());
        String ca = paths.caFiles().get(0).toString();
        ok("ca", "init", "--name", "lab", "--networks", "100.64.0.0/10", "--out-crt", ca, "--out-key", dir.resolve("ca.key").toString());
        ok("cert", "sign", "--ca-crt", ca, "--ca-key", dir.resolve("ca.key").toString(), "--name", name, "--ip", ip,
                "--out-key", paths.keyFile().toString(), "--out-crt", paths.certFile().toString());
        NodeConfig c = NodeConfig.load(file);
        assertEquals(dir.resolve("ca.crt"), c.caFiles().get(0), "pki paths are relative to the file");
        ok("cert", "verify", "--ca", c.caFiles().get(0).toString(), c.certFile().toString());
        return c;
    }

    private static void ok(String... args) {
        WeftCli.Run r = weft(args);
        assertEquals(0, r.exit(), String.join(" ", args) + "\n" + r.err());
    }
}

package dev.weft.node.cli;

import static dev.weft.node.cli.WeftCli.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code weft node} refuses a config file or key file that group or others may access, with one
 * line naming the file, its mode and the fix. The refusals come before the TUN, so no root needed.
 */
class SecretFileModesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void pki() {
        ok("ca", "init", "--name", "lab", "--networks", "100.64.0.0/10", "--out-crt", p("ca.crt"), "--out-key", p("ca.key"));
        ok("cert", "sign", "--ca-crt", p("ca.crt"), "--ca-key", p("ca.key"), "--name", "n1", "--ip", "100.64.0.1/10",
                "--out-key", p("n.key"), "--out-crt", p("n.crt"));
    }

    @ParameterizedTest
    @CsvSource({"rw-r--r--,0644,read", "rw-r-----,0640,read", "rw----r--,0604,read", "rw--w----,0620,change", "rwx-----x,0701,change"})
    void aConfigFileOthersMayAccessIsRefused(String mode, String octal, String verb) throws Exception {
        Path file = config("loose-" + octal + ".yml", "wtmode0", "n.key", mode);
        WeftCli.Run r = weft("node", "--config", file.toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals(List.of("weft node: " + file + " has mode " + octal + " (group or others can " + verb + " it): run chmod 600 "
                + file + " (the configuration may hold keys)"), r.errLines());
    }

    @Test
    void aKeyFileOthersMayReadIsRefused() throws Exception {
        Path key = dir.resolve("loose.key");
        Files.copy(dir.resolve("n.key"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Path file = config("key.yml", "wtmode1", "loose.key", "rw-------");
        WeftCli.Run r = weft("node", "--config", file.toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals(List.of("weft node: pki.key: " + key + " has mode 0644 (group or others can read it): run chmod 600 " + key),
                r.errLines());
        assertTrue(!Files.exists(Path.of("/sys/class/net/wtmode1")), "the interface was created");
    }

    @Test
    void aSyntaxErrorIsReportedBeforeTheMode() throws Exception {
        Path file = dir.resolve("broken.yml");
        Files.writeString(file, "pki: {ca: ca.crt\n");
        WeftCli.Run r = weft("node", "--config", file.toString());
        assertEquals(1, r.exit());
        assertTrue(r.errLines().get(0).startsWith("weft node: " + file + ":2:1: not valid YAML"), r.err());
    }

    @Test
    void ownerOnlyFilesPassTheCheck() throws Exception {
        // 0600 config and key: the node gets past both checks, to the admin socket the test holds
        Path socket = dir.resolve("held.sock");
        try (var held = dev.weft.node.admin.AdminServer.start(socket,
                c -> com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode())) {
            Path file = dir.resolve("tight.yml");
            Files.writeString(file, "pki: {ca: ca.crt, cert: n.crt, key: n.key}\ntun: {dev: wtmode2}\nlisten: {port: 0}\n"
                    + "admin: {socket: " + socket + "}\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            WeftCli.Run r = weft("node", "--config", file.toString());
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().contains("admin socket " + socket + " is in use"), r.err());
        }
    }

    @Test
    void relayKeysAreUsedSoNoNoticeAtStart() throws Exception {
        Path socket = dir.resolve("held2.sock");
        try (var held = dev.weft.node.admin.AdminServer.start(socket,
                c -> com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode())) {
            Path file = dir.resolve("mesh.yml");
            Files.writeString(file, "pki: {ca: ca.crt, cert: n.crt, key: n.key}\ntun: {dev: wtmode3}\nlisten: {port: 0}\n"
                    + "admin: {socket: " + socket + "}\nlighthouse: {hosts: ['192.0.2.1:4242']}\nrelay: {am_relay: true}\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            WeftCli.Run r = weft("node", "--config", file.toString());
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.errLines().get(0).contains("is in use"), r.err()); // no "not used yet" notice first
        }
    }

    private static Path config(String name, String dev, String key, String mode) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "pki: {ca: ca.crt, cert: n.crt, key: " + key + "}\ntun: {dev: " + dev + "}\nlisten: {port: 0}\n"
                + "admin: {socket: " + dir.resolve(dev + ".sock") + "}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void ok(String... args) {
        WeftCli.Run r = weft(args);
        assertEquals(0, r.exit(), String.join(" ", args) + "\n" + r.err());
    }
}

package dev.weft.node.cli;

import static dev.weft.node.cli.WeftCli.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.dataplane.tun.TunDevice;
import dev.weft.node.admin.AdminServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weft node} when another node (or program) on the host already holds its UDP port, its
 * admin socket or its interface: one line naming what is taken and the key to change, exit 1,
 * and no interface left behind. The port and socket checks come before the TUN is created, so
 * they need no root.
 */
class NodeStartConflictsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void pki() {
        ok("ca", "init", "--name", "lab", "--networks", "100.64.0.0/10", "--out-crt", p("ca.crt"), "--out-key", p("ca.key"));
        ok("cert", "sign", "--ca-crt", p("ca.crt"), "--ca-key", p("ca.key"), "--name", "n1", "--ip", "100.64.0.1/10",
                "--out-key", p("n.key"), "--out-crt", p("n.crt"));
    }

    @Test
    void aPortInUseIsOneLineNamingListenPortAndTheAddress() throws Exception {
        try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = holder.getLocalPort();
            Path config = config("port.yml", "wtport0", "listen: {port: " + port + "}\nadmin: {socket: " + p("port.sock") + "}\n");
            WeftCli.Run r = weft("node", "--config", config.toString());
            assertEquals(1, r.exit(), r.err());
            assertEquals(List.of("weft node: listen.port: UDP port " + port + " is in use (cannot bind [::]:" + port
                    + ", all addresses): another weft node or program holds it; choose a free listen.port"), r.errLines());
            assertFalse(Files.exists(Path.of("/sys/class/net/wtport0")), "the interface was created");
        }
    }

    @Test
    void anExplicitAdminSocketInUseSaysToSetAdminSocket() throws Exception {
        Path socket = dir.resolve("taken.sock");
        try (AdminServer other = AdminServer.start(socket, c -> JsonNodeFactory.instance.objectNode())) {
            Path config = config("sock.yml", "wtsock0", "listen: {port: 0}\nadmin: {socket: " + socket + "}\n");
            WeftCli.Run r = weft("node", "--config", config.toString());
            assertEquals(1, r.exit(), r.err());
            assertEquals(List.of("weft node: admin socket " + socket + " is in use by another running weft node: "
                    + "give this node a different admin.socket"), r.errLines());
            assertFalse(Files.exists(Path.of("/sys/class/net/wtsock0")), "the interface was created");
        }
    }

    @Test
    void twoNodesWithTheDefaultSocketAreToldToSetTunDev() throws Exception {
        assumeTrue(Root.isRoot() && Files.isWritable(Path.of("/run")), "skipped: needs root (the default admin socket is in /run/weft)");
        Path socket = Path.of("/run/weft/wtdup0.sock");
        try (AdminServer first = AdminServer.start(socket, c -> JsonNodeFactory.instance.objectNode())) {
            try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int port = holder.getLocalPort();
                Path config = config("dup.yml", "wtdup0", "listen: {port: " + port + "}\n");
                WeftCli.Run r = weft("node", "--config", config.toString());
                assertEquals(1, r.exit(), r.err());
                assertEquals(1, r.errLines().size(), r.err());
                String line = r.errLines().get(0);
                assertTrue(line.startsWith("weft node: admin socket /run/weft/wtdup0.sock is in use by another running weft "
                        + "node: give this node a different tun.dev"), line);
                assertTrue(line.contains("; listen.port: UDP port " + port + " is in use"), line);
                assertFalse(Files.exists(Path.of("/sys/class/net/wtdup0")), "the interface was created");
            }
        }
    }

    @Test
    void anInterfaceInUseSaysToSetTunDev() throws Exception {
        assumeTrue(Root.isRoot(), "skipped: TUN needs root");
        try (TunDevice taken = TunDevice.open("wtbusy0", 1420)) {
            Path config = config("busy.yml", "wtbusy0", "listen: {port: 0}\nadmin: {socket: " + p("busy.sock") + "}\n");
            WeftCli.Run r = weft("node", "--config", config.toString());
            assertEquals(1, r.exit(), r.err());
            assertEquals(List.of("weft node: tun.dev: interface wtbusy0 is in use by another process (another weft node?): "
                    + "give this node a different tun.dev"), r.errLines());
        }
        assertFalse(Files.exists(dir.resolve("busy.sock")));
    }

    @Test
    void anAdminSocketDirectoryOthersCanEnterIsOneLineAndNothingIsCreated() throws Exception {
        Path open = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path config = config("open.yml", "wtopen0", "listen: {port: 0}\nadmin: {socket: " + open.resolve("n.sock") + "}\n");
        WeftCli.Run r = weft("node", "--config", config.toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals(List.of("weft node: admin socket directory " + open + " has mode 0777 (group or others can enter it and "
                + "reach the socket): run chmod 700 " + open + ", or set admin.socket in a directory only its owner can enter"),
                r.errLines());
        assertFalse(Files.exists(Path.of("/sys/class/net/wtopen0")), "the interface was created");
    }

    private static Path config(String name, String dev, String more) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "pki: {ca: ca.crt, cert: n.crt, key: n.key}\ntun: {dev: " + dev + "}\n" + more);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
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

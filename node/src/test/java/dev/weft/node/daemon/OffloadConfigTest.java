package dev.weft.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.node.cli.Main;
import dev.weft.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offload keys reach the dataplane: a node started with some turned off reports exactly those
 * off in its status ({@code offloads}: what is in use), the rest on (this kernel has all four).
 */
class OffloadConfigTest {
    private static final String DEV = "wtoffl0";

    @TempDir
    static Path dir;

    @BeforeAll
    static void pki() {
        weft("ca", "init", "--name", "lab", "--networks", "100.64.0.0/10", "--out-crt", p("ca.crt"), "--out-key", p("ca.key"));
        weft("cert", "sign", "--ca-crt", p("ca.crt"), "--ca-key", p("ca.key"), "--name", "n1", "--ip", "100.64.9.1/10",
                "--out-key", p("n.key"), "--out-crt", p("n.crt"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|true|true|true|true",
        "tun: {gro: false}|true|false|true|true",
        "tun: {offloads: false}|false|false|true|true",
        "listen: {gso: false, gro: false}|true|true|false|false",
    })
    void aNodeUsesExactlyTheOffloadsItsConfigurationLeavesOn(String offloads, boolean tun, boolean tunGro, boolean gso,
                                                            boolean gro) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: a node needs root for its TUN interface");
        String tunKeys = offloads.startsWith("tun:") ? ", " + offloads.substring(6, offloads.length() - 1) : "";
        String listenKeys = offloads.startsWith("listen:") ? ", " + offloads.substring(9, offloads.length() - 1) : "";
        Path file = dir.resolve("node.yml");
        Files.writeString(file, "pki: {ca: ca.crt, cert: n.crt, key: n.key}\n"
                + "tun: {dev: " + DEV + tunKeys + "}\nlisten: {port: 0" + listenKeys + "}\n"
                + "admin: {socket: " + dir.resolve("n.sock") + "}\nstate_dir: " + dir.resolve("state") + "\n"
                + "dns: {enabled: false}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (NodeDaemon node = NodeDaemon.start(NodeConfig.load(file), Clock.systemUTC(),
                dev.weft.dataplane.wireguard.WireGuardOptions.standard(), file)) {
            JsonNode in = node.status().path("offloads");
            assertEquals(tun, in.path("tun_tso_uso").asBoolean(), in::toString);
            assertEquals(tunGro, in.path("tun_gro").asBoolean(), in::toString);
            assertEquals(gso, in.path("udp_gso").asBoolean(), in::toString);
            assertEquals(gro, in.path("udp_gro").asBoolean(), in::toString);
        }
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void weft(String... args) {
        assertEquals(0, Main.commandLine().execute(args), String.join(" ", args));
    }
}

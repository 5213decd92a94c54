package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import dev.weft.chaos.lab.Node;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A {@code weft node} process inside a lab node, and its {@code weft status}. */
final class WeftProcess {
    private static final Duration UP_TIMEOUT = Duration.ofSeconds(90);
    final Node host;
    final String dev;
    final LabProcess process;

    private WeftProcess(Node host, String dev, LabProcess process) {
        this.host = host;
        this.dev = dev;
        this.process = process;
    }

    /** The YAML of a node with interface {@code dev} and one static peer (pki comes from {@link Pki#config}). */
    static String staticPeerConfig(String dev, String peerKey, InetAddress peerUnderlay, String allowedIps) {
        return """
                tun: {dev: %s}
                wireguard:
                  peers:
                    - public_key: %s
                      endpoint: %s:4242
                      allowed_ips: [%s]
                """.formatted(dev, peerKey, peerUnderlay.getHostAddress(), allowedIps);
    }

    /** Starts {@code bin/weft node --config FILE} and waits until its interface is up. */
    static WeftProcess start(Node host, String dev, Path config) {
        return start(host, dev, config, Map.of());
    }

    /** As {@link #start(Node, String, Path)}, with extra environment variables. */
    static WeftProcess start(Node host, String dev, Path config, Map<String, String> environment) {
        LabProcess p = host.start("weft-" + host.name(), Lab.weft("node", "--config", config.toString()), environment);
        p.awaitOutput(upLine(dev), UP_TIMEOUT);
        return new WeftProcess(host, dev, p);
    }

    /** Kills the node hard (SIGKILL: no cleanup) and starts it again with the same command. */
    void killAndRestart() {
        int before = process.occurrences(upLine(dev));
        process.restart();
        process.awaitOutput(upLine(dev), before + 1, UP_TIMEOUT);
    }

    private static String upLine(String dev) {
        return "weft node: " + dev + " up";
    }

    /** {@code weft status --json --dev DEV}, parsed. */
    JsonNode status() {
        ExecResult r = host.exec(Lab.weft("status", "--json", "--dev", dev), Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.stderr());
        try {
            return Pki.JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new AssertionError("weft status --json printed no JSON: " + r.stdout(), e);
        }
    }

    /** SIGTERM; the interface and the admin socket must be gone afterwards. */
    void stopAndCheckCleanup() {
        process.stop(Duration.ofSeconds(20));
        assertFalse(process.isAlive(), "weft node stopped on SIGTERM");
        ExecResult link = host.exec(List.of("ip", "link", "show", "dev", dev), Duration.ofSeconds(10));
        assertFalse(link.ok(), "interface " + dev + " removed on SIGTERM: " + link.stdout());
        assertFalse(Files.exists(Path.of("/run/weft", dev + ".sock")), "admin socket removed on SIGTERM");
    }
}

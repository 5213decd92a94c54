package dev.weft.node.cli;

import static dev.weft.node.cli.WeftCli.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.node.admin.AdminClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code weft node} process (Main's entry point in its own JVM) reloads on SIGHUP and keeps
 * running, whether the file is unchanged, broken, or changed; {@code weft reload} does the same.
 */
class NodeHangupTest {
    private static final String DEV = "wthup0";
    private static final String NOTICE = "SIGHUP: reloaded: nothing changed";

    @TempDir
    Path dir;

    private Process node;

    @Test
    void sighupReloadsAndTheNodeKeepsServingEvenWhenTheFileIsBroken() throws Exception {
        assumeTrue(Root.isRoot(), "skipped: a node needs root for its TUN interface");
        ok("ca", "init", "--name", "lab", "--networks", "100.64.0.0/10", "--out-crt", p("ca.crt"), "--out-key", p("ca.key"));
        ok("cert", "sign", "--ca-crt", p("ca.crt"), "--ca-key", p("ca.key"), "--name", "n1", "--ip", "100.64.0.1/10",
                "--out-key", p("n.key"), "--out-crt", p("n.crt"));
        Path socket = dir.resolve("hup.sock");
        Path config = dir.resolve("node.yml");
        Files.writeString(config, "pki: {ca: ca.crt, cert: n.crt, key: n.key}\ntun: {dev: " + DEV + "}\n"
                + "listen: {port: 0}\nadmin: {socket: " + socket + "}\n");
        Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        node = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "node", "--config", config.toString()).start();
        StringBuffer out = collect(node.getInputStream());
        StringBuffer err = collect(node.getErrorStream());
        await(() -> out.toString().contains("weft node: " + DEV + " up"), "the node to come up", out, err);

        for (int i = 1; i <= 2; i++) {
            hangup();
            int times = i;
            await(() -> occurrences(err.toString(), NOTICE) == times, "the SIGHUP notice", out, err);
            Thread.sleep(300);
            assertTrue(node.isAlive(), () -> "the node stopped on SIGHUP (exit " + node.exitValue() + "): " + err);
            assertEquals(DEV, AdminClient.request(socket, "status").get("interface").asText());
        }
        List<String> notices = err.toString().lines().filter(l -> l.contains("SIGHUP")).toList();
        assertEquals(List.of("weft node: " + NOTICE, "weft node: " + NOTICE), notices);

        String good = Files.readString(config);
        Files.writeString(config, good + "tun: {mtu: [\n");
        hangup();
        String broken = "weft node: SIGHUP: reload refused, nothing was changed: " + config + ":";
        await(() -> err.toString().contains(broken), "the refusal of a broken file", out, err);
        Thread.sleep(300);
        assertTrue(node.isAlive(), () -> "a broken file on SIGHUP stopped the node: " + err);
        assertEquals(DEV, AdminClient.request(socket, "status").get("interface").asText());

        Files.writeString(config, good + "dns: {upstreams: ['192.0.2.53']}\n");
        WeftCli.Run r = weft("reload", "--socket", socket.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("reloaded: dns.upstreams and dns.forward", r.out().strip());
        Files.writeString(config, good.replace("listen: {port: 0}", "listen: {port: 4999}") + "dns: {upstreams: ['192.0.2.53']}\n");
        r = weft("reload", "--config", config.toString()); // as systemd's ExecReload: the socket from the file
        assertEquals(1, r.exit());
        assertEquals("weft reload: the node refused: reload refused, nothing was changed: listen.port needs a restart",
                r.err().strip());

        node.destroy(); // SIGTERM still stops it and cleans up
        assertTrue(node.waitFor(20, TimeUnit.SECONDS), "the node did not stop on SIGTERM");
        assertFalse(Files.exists(socket), "admin socket left behind");
        assertFalse(Files.exists(Path.of("/sys/class/net/" + DEV)), "interface left behind");
    }

    private void hangup() throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(node.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP failed");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (node != null && node.isAlive()) {
            node.destroyForcibly();
            node.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static StringBuffer collect(InputStream in) {
        StringBuffer text = new StringBuffer();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    text.append(line).append('\n');
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return text;
    }

    private void await(java.util.function.BooleanSupplier done, String what, StringBuffer out, StringBuffer err)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (!node.isAlive() && !done.getAsBoolean()) {
                throw new AssertionError("the node exited (" + node.exitValue() + ") while waiting for " + what
                        + "\nstdout: " + out + "\nstderr: " + err);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "\nstdout: " + out + "\nstderr: " + err);
            }
            Thread.sleep(50);
        }
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void ok(String... args) {
        WeftCli.Run r = weft(args);
        assertEquals(0, r.exit(), String.join(" ", args) + "\n" + r.err());
    }
}

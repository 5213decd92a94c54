package dev.weft.node.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The default route through an exit node, with the underlay kept outside it: policy routing as
 * {@code wg-quick} does it, keyed on weft's UDP port instead of a socket mark. Four rules, tried
 * in this order:
 *
 * <ol>
 *   <li>{@code ipproto udp sport PORT lookup main}: weft's own socket (WireGuard, gossip,
 *       lighthouses, relays: all of it leaves from the one port) uses the main table, with the
 *       host's own default route, so the path to the mesh never enters the tunnel;
 *   <li>{@code ipproto udp sport PORT unreachable}: and when the main table has no route, it
 *       fails there instead of falling through to the tunnel (a punch towards a candidate only
 *       the exit node can reach would otherwise arrive through the tunnel, and the peer would
 *       take the tunnel's inner address as the endpoint: a loop);
 *   <li>{@code lookup main suppress_prefixlength 0}: everything the main table knows more
 *       specifically than a default route (the LAN, the overlay, advertised subnets) stays so;
 *   <li>{@code lookup TABLE}: the rest goes to {@code default dev TUN} in weft's own table.
 * </ol>
 *
 * Installed and removed with {@code ip} (iproute2); the rules of an earlier run that was killed
 * are deleted before new ones are added, and all of it on stop. One exit-node user per host:
 * the table and the rule priorities are fixed.
 */
final class ExitRoute {
    static final int TABLE = 30565;
    static final int PRIORITY = 30561;
    /** The offset of the catch-all rule from {@link #PRIORITY}. */
    private static final int LAST = 3;

    /** Runs one command; returns its exit status and what it printed. */
    interface Commands {
        Result run(List<String> command);
    }

    record Result(int status, String output) {}

    private final String dev;
    private final int udpPort;
    private final Commands commands;

    ExitRoute(String dev, int udpPort, Commands commands) {
        this.dev = dev;
        this.udpPort = udpPort;
        this.commands = commands;
    }

    /** Sends every destination the host has no more specific route for through {@code dev}; null when done, else what failed. */
    String install(boolean ipv6) {
        remove(ipv6);
        List<List<String>> steps = List.of(
                ip(ipv6, "route", "replace", "default", "dev", dev, "table", Integer.toString(TABLE)),
                ip(ipv6, "rule", "add", "priority", Integer.toString(PRIORITY), "ipproto", "udp", "sport",
                        Integer.toString(udpPort), "lookup", "main"),
                ip(ipv6, "rule", "add", "priority", Integer.toString(PRIORITY + 1), "ipproto", "udp", "sport",
                        Integer.toString(udpPort), "unreachable"),
                ip(ipv6, "rule", "add", "priority", Integer.toString(PRIORITY + 2), "lookup", "main",
                        "suppress_prefixlength", "0"),
                // Last: until here nothing is sent through the tunnel, so a failure above leaves the host as it was.
                ip(ipv6, "rule", "add", "priority", Integer.toString(PRIORITY + LAST), "lookup", Integer.toString(TABLE)));
        for (List<String> step : steps) {
            Result r = commands.run(step);
            if (r.status() != 0) {
                remove(ipv6);
                return String.join(" ", step) + ": " + r.output().strip();
            }
        }
        return null;
    }

    /** Takes the rules and the table's route away; quietly, as each may already be gone. */
    void remove(boolean ipv6) {
        for (int p = PRIORITY + LAST; p >= PRIORITY; p--) {
            commands.run(ip(ipv6, "rule", "del", "priority", Integer.toString(p)));
        }
        commands.run(ip(ipv6, "route", "flush", "table", Integer.toString(TABLE)));
    }

    private static List<String> ip(boolean ipv6, String... args) {
        List<String> out = new ArrayList<>(List.of("ip"));
        if (ipv6) {
            out.add("-6");
        }
        out.addAll(List.of(args));
        return out;
    }

    /** Runs commands as child processes, 10 s each at most. */
    static Result exec(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}

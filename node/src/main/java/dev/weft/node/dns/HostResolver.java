package dev.weft.node.dns;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code dns.configure_host}: tells systemd-resolved to send the mesh domain to this node's DNS
 * server, on the overlay interface's link ({@code resolvectl dns} and {@code resolvectl domain
 * ~DOMAIN}: a routing-only domain, so other names keep going where they went), and undoes it on
 * close ({@code resolvectl revert}). Where resolved does not run, it says so in one line and does
 * nothing. Commands run through {@code commands} (status and output), so tests can see them.
 */
public final class HostResolver implements AutoCloseable {
    /** What a command did: its exit status and its output. */
    public record Result(int status, String output) {}

    private final String link;
    private final Function<List<String>, Result> commands;
    private boolean configured;

    private HostResolver(String link, Function<List<String>, Result> commands) {
        this.link = link;
        this.commands = commands;
    }

    /**
     * Points resolved's {@code link} at {@code servers} for {@code domain}. Returns the resolver
     * to close on stop; prints a notice (and configures nothing) when resolved is absent or refuses.
     */
    public static HostResolver configure(String link, String domain, List<InetSocketAddress> servers,
            Function<List<String>, Result> commands, java.io.PrintStream notices) {
        HostResolver r = new HostResolver(link, commands);
        Result probe = commands.apply(List.of("resolvectl", "status", link));
        if (probe.status() != 0) {
            notices.println("weft node: dns.configure_host: systemd-resolved is not running here (resolvectl: "
                    + firstLine(probe.output()) + "); point the host's resolver at " + servers + " for " + domain + " by hand");
            return r;
        }
        Result dns = commands.apply(dnsCommand(link, servers));
        Result dom = dns.status() == 0 ? commands.apply(List.of("resolvectl", "domain", link, "~" + domain)) : dns;
        if (dns.status() != 0 || dom.status() != 0) {
            commands.apply(List.of("resolvectl", "revert", link));
            notices.println("weft node: dns.configure_host: resolvectl refused (" + firstLine(dom.output()) + "); the host is unchanged");
            return r;
        }
        r.configured = true;
        return r;
    }

    /** {@code resolvectl dns LINK ADDR[:PORT]…}: resolved's syntax, brackets for IPv6 with a port. */
    static List<String> dnsCommand(String link, List<InetSocketAddress> servers) {
        List<String> out = new ArrayList<>(List.of("resolvectl", "dns", link));
        for (InetSocketAddress s : servers) {
            String host = s.getAddress().getHostAddress();
            if (s.getPort() == 53) {
                out.add(host);
            } else {
                out.add(s.getAddress() instanceof Inet6Address ? "[" + host + "]:" + s.getPort() : host + ":" + s.getPort());
            }
        }
        return out;
    }

    public boolean configured() {
        return configured;
    }

    /** Gives the link's DNS settings back to resolved's defaults, if this configured them. */
    @Override
    public void close() {
        if (configured) {
            configured = false;
            commands.apply(List.of("resolvectl", "revert", link));
        }
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** Runs a command as a child process (at most 10 s), for {@link #configure}. */
    public static Result exec(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            return new Result(-1, "not found (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}

package dev.weft.node.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real upstream: Debian's unbound with a generated config, on a loopback address, serving
 * local zones only. {@code local-zone: "." refuse} answers every other name REFUSED, so it never
 * recurses to the internet.
 */
final class Unbound implements AutoCloseable {
    final InetSocketAddress address;
    private final Path dir;
    private Process process;

    /** @param localData lines for {@code local-zone:} and {@code local-data:} (without the keys' indentation) */
    Unbound(InetSocketAddress address, Path dir, List<String> localData) throws IOException {
        this.address = address;
        this.dir = dir;
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n")
                .append("  interface: ").append(address.getAddress().getHostAddress()).append('\n')
                .append("  port: ").append(address.getPort()).append('\n')
                .append("  do-daemonize: no\n  use-syslog: no\n  logfile: \"\"\n  chroot: \"\"\n  username: \"\"\n")
                .append("  directory: \"").append(dir).append("\"\n")
                .append("  pidfile: \"").append(dir.resolve("unbound.pid")).append("\"\n")
                .append("  num-threads: 1\n  do-ip6: no\n  so-reuseport: no\n  verbosity: 0\n")
                .append("  access-control: 127.0.0.0/8 allow\n")
                .append("  module-config: \"iterator\"\n")
                .append("  local-zone: \".\" refuse\n");
        for (String line : localData) {
            conf.append("  ").append(line).append('\n');
        }
        conf.append("remote-control:\n  control-enable: no\n");
        Files.writeString(dir.resolve("unbound.conf"), conf);
    }

    Unbound start() throws IOException, InterruptedException {
        process = new ProcessBuilder("unbound", "-d", "-c", dir.resolve("unbound.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("unbound.log").toFile()).start();
        SimpleResolver r = new SimpleResolver(address);
        r.setTimeout(Duration.ofMillis(200));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("unbound exited: " + Files.readString(dir.resolve("unbound.log")));
            }
            try {
                r.send(Message.newQuery(Record.newRecord(Name.fromString("probe.invalid."), Type.A, DClass.IN)));
                return this;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("unbound did not answer within 10 s: " + Files.readString(dir.resolve("unbound.log")));
    }

    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}

package dev.weft.chaos.e2e;

import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A stock {@code wireguard-go} in a lab host, set up only with {@code wg} and {@code ip}, as its users do. */
final class WireGuardGo {
    /** wireguard-go's listening port in these tests. */
    static final int PORT = 51820;

    final Host host;
    final String dev;
    final LabProcess process;
    final String publicKey;
    private final Path key;

    private WireGuardGo(Host host, String dev, LabProcess process, Path key, String publicKey) {
        this.host = host;
        this.dev = dev;
        this.process = process;
        this.key = key;
        this.publicKey = publicKey;
    }

    /** Starts wireguard-go on a run-unique interface and makes its key (its UAPI socket is global). */
    static WireGuardGo start(Lab lab, Host host) throws IOException {
        String dev = lab.interfaceName("wg");
        LabProcess p = host.start("wireguard-go-" + dev, "wireguard-go", "-f", dev);
        Path sock = Path.of("/var/run/wireguard", dev + ".sock");
        for (int i = 0; i < 100 && !Files.exists(sock); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!Files.exists(sock)) {
            throw new AssertionError("wireguard-go's UAPI socket " + sock + " did not appear\n" + p.tail(20));
        }
        Path key = host.dir().resolve(dev + ".key");
        Files.writeString(key, host.exec("wg", "genkey").requireOk().stdout().strip() + "\n");
        String pub = host.exec("sh", "-c", "wg pubkey < " + key).requireOk().stdout().strip();
        return new WireGuardGo(host, dev, p, key, pub);
    }

    /** {@code wg set} with one peer, the interface's own addresses (CIDR), MTU 1420, link up. */
    void configure(String peerKey, InetSocketAddress peerEndpoint, String allowedIps, List<String> ownAddresses) {
        host.exec("wg", "set", dev, "listen-port", String.valueOf(PORT), "private-key", key.toString(),
                "peer", peerKey, "endpoint", peerEndpoint.getAddress().getHostAddress() + ":" + peerEndpoint.getPort(),
                "allowed-ips", allowedIps).requireOk();
        for (String a : ownAddresses) {
            host.exec("ip", "address", "add", a, "dev", dev).requireOk();
        }
        host.exec("ip", "link", "set", dev, "mtu", "1420", "up").requireOk();
    }

    void stop() {
        process.stop(Duration.ofSeconds(10));
    }
}

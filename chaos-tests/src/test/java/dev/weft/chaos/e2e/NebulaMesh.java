package dev.weft.chaos.e2e;

import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.LabProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nebula (Debian's {@code nebula}, 1.6.1) on a {@link NatLab}, for the side-by-side benchmark: lh1 and lh2 are
 * lighthouses, relays too when {@code relays} is on; every site a node with punching on ({@code punchy}) that
 * knows both lighthouses and, with relays, may use both. Certificates come from {@code nebula-cert}.
 */
final class NebulaMesh {
    /** One Nebula node: overlay 100.65.0.{@code index}. */
    record Node(String name, Host host, String dev, Path config, InetAddress overlay) {}

    private final NatLab net;
    private final boolean relays;
    private final Path pki;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, LabProcess> processes = new LinkedHashMap<>();

    NebulaMesh(NatLab net, boolean relays, Path pki) {
        this.net = net;
        this.relays = relays;
        this.pki = pki;
    }

    /** Makes the CA, every certificate and every config (no process started). */
    void prepare() throws IOException {
        Files.createDirectories(pki);
        net.lh1.exec(List.of("nebula-cert", "ca", "-name", "lab", "-out-crt", pki.resolve("ca.crt").toString(),
                "-out-key", pki.resolve("ca.key").toString()), Duration.ofSeconds(30)).requireOk();
        String lhIps = "[\"100.65.0.1\", \"100.65.0.2\"]";
        String staticMap = "{\"100.65.0.1\": [\"" + net.lh1.ipv4().getHostAddress() + ":4242\"], \"100.65.0.2\": [\""
                + net.lh2.ipv4().getHostAddress() + ":4242\"]}";
        add("lh1", net.lh1, "lighthouse: {am_lighthouse: true}\nrelay: {am_relay: " + relays + "}\n");
        add("lh2", net.lh2, "lighthouse: {am_lighthouse: true}\nrelay: {am_relay: " + relays + "}\n");
        for (NatLab.Site s : net.sites()) {
            add(s.name(), s.host(), "static_host_map: " + staticMap + "\nlighthouse: {am_lighthouse: false, interval: 60,"
                    + " hosts: " + lhIps + "}\n" + (relays ? "relay: {relays: " + lhIps + ", use_relays: true}\n"
                    : "relay: {use_relays: false}\n"));
        }
    }

    private void add(String name, Host host, String yaml) throws IOException {
        int i = nodes.size() + 1;
        String ip = "100.65.0." + i;
        host.exec(List.of("nebula-cert", "sign", "-ca-crt", pki.resolve("ca.crt").toString(), "-ca-key",
                pki.resolve("ca.key").toString(), "-name", name, "-ip", ip + "/16", "-out-crt",
                pki.resolve(name + ".crt").toString(), "-out-key", pki.resolve(name + ".key").toString()),
                Duration.ofSeconds(30)).requireOk();
        String dev = net.lab.interfaceName("nb");
        Path config = pki.resolve(name + ".yml");
        Files.writeString(config, """
                pki: {ca: %s, cert: %s, key: %s}
                listen: {host: 0.0.0.0, port: 4242}
                punchy: {punch: true, respond: true}
                tun: {dev: %s}
                logging: {level: info}
                firewall:
                  outbound: [{port: any, proto: any, host: any}]
                  inbound: [{port: any, proto: any, host: any}]
                """.formatted(pki.resolve("ca.crt"), pki.resolve(name + ".crt"), pki.resolve(name + ".key"), dev) + yaml);
        nodes.put(name, new Node(name, host, dev, config, InetAddress.getByName(ip)));
    }

    /** Launches the named nodes at once, without waiting. */
    void launch(List<String> names) {
        for (String name : names) {
            Node n = node(name);
            processes.put(name, n.host().start("nebula-" + (relays ? "r-" : "d-") + name, "nebula", "-config",
                    n.config().toString()));
        }
    }

    /** Whether the node's TUN interface exists (Nebula prints no single "up" line). */
    boolean isUp(String name) {
        Node n = node(name);
        return n.host().exec("ip", "link", "show", "dev", n.dev()).ok();
    }

    Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no nebula node " + name);
        }
        return n;
    }

    /** SIGTERM to every node it started. */
    void stopAll() {
        for (LabProcess p : processes.values()) {
            p.stop(Duration.ofSeconds(10));
        }
    }
}

package dev.weft.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.dataplane.DataplaneSettings;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A node's configuration, read from YAML strictly: unknown keys, wrong types and bad values
 * are refused with the key's path ({@code wireguard.peers[1].endpoint: not host:port}).
 *
 * <pre>
 * pki:       { ca: ca.crt, cert: node.crt, key: node.key }   # paths relative to the file
 *                 # also revocations: [FILE, ...], blocklist: FILE
 * listen:    { port: 4242 }                     # also gso, gro: true (UDP offloads)
 * tun:       { dev: weft0, mtu: 1420 }          # also offloads, gro: true (TUN offloads)
 * admin:     { socket: /run/weft/weft0.sock }
 * lighthouse: { am_lighthouse: false, hosts: ["192.0.2.1:4242"] }
 * advertise_addrs: ["203.0.113.7:4242"]
 * state_dir: /var/lib/weft/weft0
 * relay:     { am_relay: false, use_relays: true }
 * wireguard:
 *   peers:
 *     - public_key: base64 (as wg prints it)
 *       endpoint: 198.51.100.2:51820      # or [2001:db8::2]:51820, optional
 *       allowed_ips: [100.64.0.2/32]      # or "a, b" as wg accepts
 *       persistent_keepalive: 25          # seconds, optional
 *       preshared_key: base64             # optional
 * </pre>
 *
 * @param caFiles trusted CA certificates ({@code pki.ca}: one path or a list)
 * @param certFile this node's certificate
 * @param keyFile this node's key file (its X25519 key is the WireGuard key)
 * @param listenPort the UDP port
 * @param tunDev the TUN interface name
 * @param tunMtu the TUN MTU
 * @param adminSocket the admin socket path
 * @param peers static WireGuard peers
 * @param lighthouse {@code lighthouse}: am_lighthouse and the lighthouses to register with
 * @param advertiseAddrs {@code advertise_addrs}: static public addresses published as candidates
 * @param stateDir {@code state_dir}: where the node remembers members and revocations across restarts
 * @param revocationFiles {@code pki.revocations}: CA-signed revocation files loaded at start
 * @param blocklistFile {@code pki.blocklist}: the local blocklist file, or null for none
 * @param relay {@code relay}: am_relay and use_relays
 * @param routes {@code routes}: advertised subnets and what to install
 * @param dns {@code dns}: the embedded DNS server
 * @param metrics {@code metrics}: the Prometheus endpoint (off by default)
 * @param logging {@code logging}: level and format of the node's log
 * @param offloads {@code tun.offloads}, {@code tun.gro}, {@code listen.gso}, {@code listen.gro}: the
 *     dataplane's offloads, each on unless turned off
 *
 * <p>The full list of keys, with defaults and examples, is {@code docs/config.md}.
 */
public record NodeConfig(List<Path> caFiles, Path certFile, Path keyFile, int listenPort, String tunDev, int tunMtu,
                         Path adminSocket, List<StaticPeer> peers, LighthouseConfig lighthouse,
                         List<HostPort> advertiseAddrs, Path stateDir, List<Path> revocationFiles, Path blocklistFile,
                         RelayConfig relay, RoutesConfig routes, DnsConfig dns, MetricsConfig metrics,
                         LoggingConfig logging, DataplaneSettings.Offloads offloads) {
    /** Default UDP port. */
    public static final int DEFAULT_PORT = 4242;
    /** Default TUN interface name. */
    public static final String DEFAULT_DEV = "weft0";
    /** Default TUN MTU (1500 minus the IPv6 + UDP + WireGuard overhead). */
    public static final int DEFAULT_MTU = 1420;
    /** Where admin sockets live by default: {@code /run/weft/<tun.dev>.sock}. */
    public static final Path ADMIN_DIR = Path.of("/run/weft");
    /** Where state directories live by default: {@code /var/lib/weft/<tun.dev>}. */
    public static final Path STATE_ROOT = Path.of("/var/lib/weft");

    /** Copies lists. */
    public NodeConfig {
        caFiles = List.copyOf(caFiles);
        peers = List.copyOf(peers);
        advertiseAddrs = List.copyOf(advertiseAddrs);
        revocationFiles = List.copyOf(revocationFiles);
        java.util.Objects.requireNonNull(lighthouse, "lighthouse");
        java.util.Objects.requireNonNull(stateDir, "stateDir");
        java.util.Objects.requireNonNull(relay, "relay");
        java.util.Objects.requireNonNull(routes, "routes");
        java.util.Objects.requireNonNull(dns, "dns");
        java.util.Objects.requireNonNull(metrics, "metrics");
        java.util.Objects.requireNonNull(logging, "logging");
        java.util.Objects.requireNonNull(offloads, "offloads");
    }

    /** A node with every offload the kernel has. */
    public NodeConfig(List<Path> caFiles, Path certFile, Path keyFile, int listenPort, String tunDev, int tunMtu,
                      Path adminSocket, List<StaticPeer> peers, LighthouseConfig lighthouse,
                      List<HostPort> advertiseAddrs, Path stateDir, List<Path> revocationFiles, Path blocklistFile,
                      RelayConfig relay, RoutesConfig routes, DnsConfig dns, MetricsConfig metrics,
                      LoggingConfig logging) {
        this(caFiles, certFile, keyFile, listenPort, tunDev, tunMtu, adminSocket, peers, lighthouse, advertiseAddrs, stateDir,
                revocationFiles, blocklistFile, relay, routes, dns, metrics, logging, DataplaneSettings.Offloads.ALL);
    }

    /** A node without a metrics endpoint, logging at the defaults. */
    public NodeConfig(List<Path> caFiles, Path certFile, Path keyFile, int listenPort, String tunDev, int tunMtu,
                      Path adminSocket, List<StaticPeer> peers, LighthouseConfig lighthouse,
                      List<HostPort> advertiseAddrs, Path stateDir, List<Path> revocationFiles, Path blocklistFile,
                      RelayConfig relay, RoutesConfig routes, DnsConfig dns) {
        this(caFiles, certFile, keyFile, listenPort, tunDev, tunMtu, adminSocket, peers, lighthouse, advertiseAddrs, stateDir,
                revocationFiles, blocklistFile, relay, routes, dns, MetricsConfig.OFF, LoggingConfig.DEFAULT);
    }

    /** A node with the mesh keys at their defaults (no lighthouse, no revocation files, state in the default place). */
    public NodeConfig(List<Path> caFiles, Path certFile, Path keyFile, int listenPort, String tunDev, int tunMtu,
                      Path adminSocket, List<StaticPeer> peers) {
        this(caFiles, certFile, keyFile, listenPort, tunDev, tunMtu, adminSocket, peers, LighthouseConfig.NONE,
                List.of(), defaultStateDir(tunDev), List.of(), null, RelayConfig.DEFAULT, RoutesConfig.DEFAULT, DnsConfig.DEFAULT);
    }

    /**
     * Reads and validates a file; relative paths in it are relative to its directory. Refusals
     * name the file first ({@code node.yml:3:7: not valid YAML: ...}, {@code node.yml: no such file}).
     * A valid file that group or others may access is refused too ({@code chmod 600} it).
     */
    public static NodeConfig load(Path file) throws NodeConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new NodeConfigException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new NodeConfigException(file + ": permission denied");
        } catch (IOException e) {
            throw new NodeConfigException(file + ": cannot read: " + reason(e));
        }
        Path base = file.toAbsolutePath().getParent();
        NodeConfig config;
        try {
            config = parse(text, base);
        } catch (NodeConfigException e) {
            throw e.in(file);
        }
        String loose = OwnerOnly.problem(file); // after parsing: a file that is wrong anyway is reported as such first
        if (loose != null) {
            throw new NodeConfigException(loose + " (the configuration may hold keys)");
        }
        return config;
    }

    /** The reason without the file name, which the caller has already printed. */
    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Parses YAML text; relative paths resolve against {@code base}. A key given twice is refused. */
    public static NodeConfig parse(String yaml, Path base) throws NodeConfigException {
        StrictYaml strict = new StrictYaml();
        JsonNode root = strict.tree(yaml);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new NodeConfigException("the configuration is empty; pki.ca, pki.cert and pki.key are required");
        }
        return new ConfigReader(base).read(strict.file(root));
    }

    /** The admin socket's default path for an interface name. */
    public static Path defaultAdminSocket(String dev) {
        return ADMIN_DIR.resolve(dev + ".sock");
    }

    /** The state directory's default path for an interface name. */
    public static Path defaultStateDir(String dev) {
        return STATE_ROOT.resolve(dev);
    }
}

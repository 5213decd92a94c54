package dev.weft.node.config;

import dev.weft.dataplane.DataplaneSettings;
import dev.weft.ip.IpPrefix;
import dev.weft.ip.IpPrefixException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks the values of a {@link ConfigFile} (whose shape Jackson has checked) and fills in the
 * defaults; each refusal starts with the key's path ({@code lighthouse.hosts[1]: ...}).
 */
final class ConfigReader {
    private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    private final Path base;

    ConfigReader(Path base) {
        this.base = base;
    }

    NodeConfig read(ConfigFile f) throws NodeConfigException {
        ConfigFile.Pki pki = f.pki();
        if (pki == null) {
            throw new NodeConfigException("pki: required (ca, cert, key)");
        }
        if (pki.ca() == null) {
            throw new NodeConfigException("pki.ca: required");
        }
        if (pki.ca().isEmpty()) {
            throw new NodeConfigException("pki.ca: at least one CA certificate is required");
        }
        List<Path> cas = paths(pki.ca(), "pki.ca");
        Path cert = requiredPath(pki.cert(), "pki.cert");
        Path key = requiredPath(pki.key(), "pki.key");
        List<Path> revocations = pki.revocations() == null ? List.of() : paths(pki.revocations(), "pki.revocations");
        Path blocklist = pki.blocklist() == null ? null : path(pki.blocklist(), "pki.blocklist");

        Integer portValue = f.listen() == null ? null : f.listen().port();
        int port = range(portValue, "listen.port", NodeConfig.DEFAULT_PORT, 0, 65535);

        String dev = f.tun() == null || f.tun().dev() == null ? NodeConfig.DEFAULT_DEV : f.tun().dev();
        if (!INTERFACE_NAME.matcher(dev).matches()) {
            throw new NodeConfigException("tun.dev: '" + dev
                    + "' is not an interface name (1 to 15 letters, digits, '_', '.', '-')");
        }
        int mtu = range(f.tun() == null ? null : f.tun().mtu(), "tun.mtu", NodeConfig.DEFAULT_MTU, 1280, 65535);
        DataplaneSettings.Offloads offloads = offloads(f.tun(), f.listen());

        String socketText = f.admin() == null ? null : f.admin().socket();
        Path socket = socketText == null ? NodeConfig.defaultAdminSocket(dev) : path(socketText, "admin.socket");

        List<StaticPeer> peers = new ArrayList<>();
        List<ConfigFile.Peer> peerList = f.wireguard() == null ? null : f.wireguard().peers();
        if (peerList != null) {
            for (int i = 0; i < peerList.size(); i++) {
                StaticPeer p = peer(peerList.get(i), "wireguard.peers[" + i + "]");
                for (int j = 0; j < peers.size(); j++) {
                    if (Arrays.equals(peers.get(j).publicKey(), p.publicKey())) {
                        throw new NodeConfigException("wireguard.peers[" + i + "].public_key: same key as wireguard.peers[" + j + "]");
                    }
                }
                peers.add(p);
            }
        }

        LighthouseConfig lighthouse = LighthouseConfig.NONE;
        if (f.lighthouse() != null) {
            boolean am = Boolean.TRUE.equals(f.lighthouse().amLighthouse());
            List<HostPort> hosts = f.lighthouse().hosts() == null ? List.of() : underlay(f.lighthouse().hosts(), "lighthouse.hosts");
            lighthouse = new LighthouseConfig(am, hosts);
        }
        List<HostPort> advertise = f.advertiseAddrs() == null ? List.of() : underlay(f.advertiseAddrs(), "advertise_addrs");
        Path stateDir = f.stateDir() == null ? NodeConfig.defaultStateDir(dev) : path(f.stateDir(), "state_dir");
        RelayConfig relay = RelayConfig.DEFAULT;
        if (f.relay() != null) {
            relay = new RelayConfig(Boolean.TRUE.equals(f.relay().amRelay()), !Boolean.FALSE.equals(f.relay().useRelays()));
        }
        RoutesConfig routes = routes(f.routes());
        DnsConfig dns = dns(f.dns());
        MetricsConfig metrics = metrics(f.metrics());
        LoggingConfig logging = logging(f.logging());
        return new NodeConfig(cas, cert, key, port, dev, mtu, socket, peers, lighthouse, advertise, stateDir,
                revocations, blocklist, relay, routes, dns, metrics, logging, offloads);
    }

    /**
     * {@code tun.offloads}, {@code tun.gro}, {@code listen.gso}, {@code listen.gro}: each on unless
     * false. TUN GRO writes through the virtio-net header that {@code tun.offloads} turns on, so
     * asking for it with the offloads off is refused rather than silently ignored.
     */
    private static DataplaneSettings.Offloads offloads(ConfigFile.Tun tun, ConfigFile.Listen listen)
            throws NodeConfigException {
        boolean tunOffloads = tun == null || !Boolean.FALSE.equals(tun.offloads());
        Boolean groValue = tun == null ? null : tun.gro();
        if (!tunOffloads && Boolean.TRUE.equals(groValue)) {
            throw new NodeConfigException("tun.gro: needs tun.offloads (merged writes carry the virtio-net header"
                    + " that tun.offloads turns on); drop tun.gro or set tun.offloads: true");
        }
        boolean tunGro = tunOffloads && !Boolean.FALSE.equals(groValue);
        boolean gso = listen == null || !Boolean.FALSE.equals(listen.gso());
        boolean udpGro = listen == null || !Boolean.FALSE.equals(listen.gro());
        return new DataplaneSettings.Offloads(tunOffloads, tunGro, gso, udpGro);
    }

    private static LoggingConfig logging(ConfigFile.Logging l) throws NodeConfigException {
        if (l == null) {
            return LoggingConfig.DEFAULT;
        }
        String level = l.level() == null ? LoggingConfig.DEFAULT.level() : l.level().strip().toLowerCase(java.util.Locale.ROOT);
        if (!LoggingConfig.LEVELS.contains(level)) {
            throw new NodeConfigException("logging.level: '" + l.level() + "' is not one of " + String.join(", ", LoggingConfig.LEVELS));
        }
        String format = l.format() == null ? "text" : l.format().strip().toLowerCase(java.util.Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new NodeConfigException("logging.format: '" + l.format() + "' is not text or json");
        }
        return new LoggingConfig(level, format.equals("json"));
    }

    /** A literal address with a port: the endpoint is for a local scraper, so no name is looked up. */
    private static MetricsConfig metrics(ConfigFile.Metrics m) throws NodeConfigException {
        if (m == null || m.listen() == null) {
            return MetricsConfig.OFF;
        }
        String at = "metrics.listen";
        HostPort hp = hostPort(m.listen().strip(), at);
        if (!hp.isLiteral()) {
            throw new NodeConfigException(at + ": '" + m.listen() + "' needs an IP address, not a name (127.0.0.1:9642, for example)");
        }
        InetAddress a = literal(hp, at);
        if (a.isMulticastAddress()) {
            throw new NodeConfigException(at + ": " + hp + " is a multicast address");
        }
        return new MetricsConfig(new InetSocketAddress(a, hp.port()));
    }

    private static DnsConfig dns(ConfigFile.Dns d) throws NodeConfigException {
        if (d == null) {
            return DnsConfig.DEFAULT;
        }
        String domain = d.domain() == null ? DnsConfig.DEFAULT.domain() : d.domain().strip().toLowerCase(java.util.Locale.ROOT);
        if (!domain.matches("([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
            throw new NodeConfigException("dns.domain: not a domain name ('" + d.domain() + "')");
        }
        List<InetSocketAddress> listen = servers(d.listen(), "dns.listen");
        List<InetSocketAddress> upstreams = servers(d.upstreams(), "dns.upstreams");
        java.util.Map<String, List<InetSocketAddress>> forward = new java.util.LinkedHashMap<>();
        if (d.forward() != null) {
            for (var e : d.forward().entrySet()) {
                String suffix = e.getKey().strip().toLowerCase(java.util.Locale.ROOT);
                List<InetSocketAddress> to = servers(e.getValue(), "dns.forward." + e.getKey());
                if (to.isEmpty()) {
                    throw new NodeConfigException("dns.forward." + e.getKey() + ": needs at least one server");
                }
                forward.put(suffix, to);
            }
        }
        List<dev.weft.node.dns.PublishedRecord> records;
        try {
            records = dev.weft.node.dns.PublishedRecords.parse(d.records());
        } catch (IllegalArgumentException e) {
            throw new NodeConfigException(e.getMessage());
        }
        int ttl = range(d.ttl(), "dns.ttl", 5, 1, 3600);
        return new DnsConfig(!Boolean.FALSE.equals(d.enabled()), domain, listen, upstreams, forward, records,
                java.time.Duration.ofSeconds(ttl), Boolean.TRUE.equals(d.configureHost()));
    }

    private static List<InetSocketAddress> servers(List<String> entries, String at) throws NodeConfigException {
        List<InetSocketAddress> out = new ArrayList<>();
        if (entries == null) {
            return out;
        }
        for (int i = 0; i < entries.size(); i++) {
            String where = at + "[" + i + "]";
            try {
                out.add(dev.weft.node.dns.DnsOptions.parseServer(notNull(entries.get(i), where).strip()));
            } catch (IllegalArgumentException e) {
                throw new NodeConfigException(where + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static RoutesConfig routes(ConfigFile.Routes r) throws NodeConfigException {
        if (r == null) {
            return RoutesConfig.DEFAULT;
        }
        List<IpPrefix> advertise = r.advertise() == null ? List.of() : cidrs(r.advertise(), "routes.advertise");
        boolean acceptAll = true;
        List<IpPrefix> only = List.of();
        if (r.accept() instanceof Boolean b) {
            acceptAll = b;
        } else if (r.accept() instanceof List<?> list) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String s)) {
                    throw new NodeConfigException("routes.accept[" + i + "]: must be a CIDR string");
                }
                texts.add(s);
            }
            acceptAll = false;
            only = cidrs(texts, "routes.accept");
        } else if (r.accept() != null) {
            throw new NodeConfigException("routes.accept: must be true, false or a list of CIDRs");
        }
        java.util.Optional<String> exitNode = java.util.Optional.empty();
        if (r.exitNode() != null) {
            if (r.exitNode().isBlank() || !r.exitNode().strip().equals(r.exitNode())) {
                throw new NodeConfigException("routes.exit_node: must be the certificate name of a node, not '" + r.exitNode() + "'");
            }
            exitNode = java.util.Optional.of(r.exitNode());
        }
        return new RoutesConfig(advertise, acceptAll, only, exitNode);
    }

    /** Network prefixes (no host bits), no duplicates. */
    private static List<IpPrefix> cidrs(List<String> texts, String at) throws NodeConfigException {
        List<IpPrefix> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String where = at + "[" + i + "]";
            String t = notNull(texts.get(i), where);
            IpPrefix p;
            try {
                p = IpPrefix.parse(t.strip());
            } catch (IpPrefixException e) {
                throw new NodeConfigException(where + ": not a CIDR prefix ('" + t + "'): " + e.getMessage());
            }
            if (!t.contains("/")) {
                throw new NodeConfigException(where + ": needs a prefix length ('" + t + "/24', for example)");
            }
            if (!p.isNetwork()) {
                throw hostBits(where, t, p);
            }
            if (out.contains(p)) {
                throw new NodeConfigException(where + ": " + t + " is listed twice");
            }
            out.add(p);
        }
        return out;
    }

    private StaticPeer peer(ConfigFile.Peer node, String at) throws NodeConfigException {
        if (node == null) {
            throw new NodeConfigException(at + ": must be a mapping with public_key, endpoint, allowed_ips...");
        }
        if (node.publicKey() == null) {
            throw new NodeConfigException(at + ".public_key: required");
        }
        byte[] publicKey = key(node.publicKey(), at + ".public_key");
        InetSocketAddress endpoint = node.endpoint() == null ? null : endpoint(node.endpoint(), at + ".endpoint");
        List<IpPrefix> allowed = new ArrayList<>();
        List<String> ips = node.allowedIps() == null ? List.of() : node.allowedIps();
        if (ips.size() == 1 && ips.get(0) != null && ips.get(0).contains(",")) { // "a, b" as wg accepts
            String[] parts = ips.get(0).split(",");
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].isBlank()) {
                    allowed.add(prefix(parts[i].strip(), at + ".allowed_ips[" + i + "]"));
                }
            }
        } else {
            for (int i = 0; i < ips.size(); i++) {
                allowed.add(prefix(notNull(ips.get(i), at + ".allowed_ips[" + i + "]"), at + ".allowed_ips[" + i + "]"));
            }
        }
        int keepalive = range(node.persistentKeepalive(), at + ".persistent_keepalive", 0, 0, 65535);
        byte[] preshared = node.presharedKey() == null ? null : key(node.presharedKey(), at + ".preshared_key");
        return new StaticPeer(publicKey, endpoint, allowed, keepalive, preshared);
    }

    /** Underlay {@code host:port} entries: no duplicates, and no address a peer could not send to. */
    private static List<HostPort> underlay(List<String> entries, String at) throws NodeConfigException {
        List<HostPort> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String where = at + "[" + i + "]";
            HostPort hp = hostPort(notNull(entries.get(i), where), where);
            if (hp.isLiteral()) {
                InetAddress a = literal(hp, where);
                if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
                    throw new NodeConfigException(where + ": " + hp + " is not an address a node can be reached at"
                            + " (unspecified or multicast)");
                }
            }
            int same = out.indexOf(hp);
            if (same >= 0) {
                throw new NodeConfigException(where + ": " + hp + " again (same as " + at + "[" + same + "])");
            }
            out.add(hp);
        }
        return out;
    }

    private static InetAddress literal(HostPort hp, String at) throws NodeConfigException {
        try {
            return InetAddress.getByName(hp.host()); // a literal: never looked up
        } catch (UnknownHostException e) {
            throw new NodeConfigException(at + ": bad address '" + hp.host() + "'");
        }
    }

    private static HostPort hostPort(String s, String at) throws NodeConfigException {
        try {
            return HostPort.parse(s);
        } catch (IllegalArgumentException e) {
            throw new NodeConfigException(at + ": " + e.getMessage());
        }
    }

    private static String notNull(String s, String at) throws NodeConfigException {
        if (s == null) {
            throw new NodeConfigException(at + ": must be a string");
        }
        return s;
    }

    private static int range(Integer v, String at, int fallback, int min, int max) throws NodeConfigException {
        if (v == null) {
            return fallback;
        }
        if (v < min || v > max) {
            throw new NodeConfigException(at + ": " + v + " out of range " + min + ".." + max);
        }
        return v;
    }

    private List<Path> paths(List<String> texts, String at) throws NodeConfigException {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String where = at + "[" + i + "]";
            out.add(path(notNull(texts.get(i), where), where));
        }
        return out;
    }

    private Path requiredPath(String s, String at) throws NodeConfigException {
        if (s == null) {
            throw new NodeConfigException(at + ": required");
        }
        return path(s, at);
    }

    private Path path(String s, String at) throws NodeConfigException {
        if (s.isBlank()) {
            throw new NodeConfigException(at + ": empty path");
        }
        try {
            Path p = Path.of(s);
            return base == null ? p : base.resolve(p);
        } catch (InvalidPathException e) {
            throw new NodeConfigException(at + ": not a path: " + e.getReason());
        }
    }

    private static byte[] key(String text, String at) throws NodeConfigException {
        String s = text.strip();
        byte[] k;
        try {
            k = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new NodeConfigException(at + ": not base64 (expected a 32-byte key as wg prints it)");
        }
        if (k.length != 32) {
            throw new NodeConfigException(at + ": " + k.length + " bytes, expected a 32-byte key in base64");
        }
        return k;
    }

    /** An allowed IP: a network, as routes are (wg would clear host bits; a typo then routes the wrong addresses). */
    private static IpPrefix prefix(String s, String at) throws NodeConfigException {
        IpPrefix p;
        try {
            p = IpPrefix.parse(s);
        } catch (IpPrefixException e) {
            throw new NodeConfigException(at + ": not an IP prefix ('" + s + "'): " + e.getMessage());
        }
        if (!p.isNetwork()) {
            throw hostBits(at, s, p);
        }
        return p;
    }

    private static NodeConfigException hostBits(String at, String text, IpPrefix p) {
        return new NodeConfigException(at + ": " + text.strip() + " has host bits set (the network is " + p.network()
                + "; " + p.hostPrefix() + " is the address alone)");
    }

    /** {@code host:port}, {@code a.b.c.d:port} or {@code [v6]:port}; names are resolved now (a static peer's endpoint). */
    static InetSocketAddress endpoint(String s, String at) throws NodeConfigException {
        HostPort hp = hostPort(s, at);
        try {
            return hp.resolve();
        } catch (UnknownHostException e) {
            throw new NodeConfigException(at + ": " + (hp.isLiteral() ? "bad address" : "cannot resolve") + " '" + hp.host() + "'");
        }
    }
}

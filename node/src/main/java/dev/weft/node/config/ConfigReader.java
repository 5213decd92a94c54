package dev.weft.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.weft.dataplane.wireguard.IpPrefix;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Walks the YAML tree of a node configuration, refusing anything unexpected with its key path. */
final class ConfigReader {
    private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Path base;

    ConfigReader(Path base) {
        this.base = base;
    }

    NodeConfig read(JsonNode root) throws NodeConfigException {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new NodeConfigException("the configuration is empty; pki.ca, pki.cert and pki.key are required");
        }
        object(root, "", Set.of("pki", "listen", "tun", "admin", "wireguard"));
        JsonNode pki = field(root, "pki");
        if (pki.isMissingNode()) {
            throw new NodeConfigException("pki: required (ca, cert, key)");
        }
        object(pki, "pki", Set.of("ca", "cert", "key"));
        List<Path> cas = new ArrayList<>();
        JsonNode ca = field(pki, "ca");
        if (ca.isArray()) {
            if (ca.isEmpty()) {
                throw new NodeConfigException("pki.ca: at least one CA certificate is required");
            }
            for (int i = 0; i < ca.size(); i++) {
                cas.add(path(ca.get(i), "pki.ca[" + i + "]"));
            }
        } else {
            cas.add(requiredPath(ca, "pki.ca"));
        }
        Path cert = requiredPath(field(pki, "cert"), "pki.cert");
        Path key = requiredPath(field(pki, "key"), "pki.key");

        JsonNode listen = field(root, "listen");
        object(listen, "listen", Set.of("port"));
        int port = integer(field(listen, "port"), "listen.port", NodeConfig.DEFAULT_PORT, 0, 65535);

        JsonNode tun = field(root, "tun");
        object(tun, "tun", Set.of("dev", "mtu"));
        String dev = NodeConfig.DEFAULT_DEV;
        JsonNode devNode = field(tun, "dev");
        if (!devNode.isMissingNode()) {
            dev = string(devNode, "tun.dev");
            if (!INTERFACE_NAME.matcher(dev).matches()) {
                throw new NodeConfigException("tun.dev: '" + dev
                        + "' is not an interface name (1 to 15 letters, digits, '_', '.', '-')");
            }
        }
        int mtu = integer(field(tun, "mtu"), "tun.mtu", NodeConfig.DEFAULT_MTU, 1280, 65535);

        JsonNode admin = field(root, "admin");
        object(admin, "admin", Set.of("socket"));
        JsonNode socketNode = field(admin, "socket");
        Path socket = socketNode.isMissingNode() ? NodeConfig.defaultAdminSocket(dev) : path(socketNode, "admin.socket");

        JsonNode wireguard = field(root, "wireguard");
        object(wireguard, "wireguard", Set.of("peers"));
        List<StaticPeer> peers = new ArrayList<>();
        JsonNode peerList = field(wireguard, "peers");
        if (!peerList.isMissingNode() && !peerList.isNull()) {
            if (!peerList.isArray()) {
                throw new NodeConfigException("wireguard.peers: must be a list");
            }
            for (int i = 0; i < peerList.size(); i++) {
                StaticPeer p = peer(peerList.get(i), "wireguard.peers[" + i + "]");
                for (int j = 0; j < peers.size(); j++) {
                    if (java.util.Arrays.equals(peers.get(j).publicKey(), p.publicKey())) {
                        throw new NodeConfigException("wireguard.peers[" + i + "].public_key: same key as wireguard.peers[" + j + "]");
                    }
                }
                peers.add(p);
            }
        }
        return new NodeConfig(cas, cert, key, port, dev, mtu, socket, peers);
    }

    private StaticPeer peer(JsonNode node, String at) throws NodeConfigException {
        object(node, at, Set.of("public_key", "endpoint", "allowed_ips", "persistent_keepalive", "preshared_key"));
        if (!node.isObject()) {
            throw new NodeConfigException(at + ": must be a mapping with public_key, endpoint, allowed_ips...");
        }
        JsonNode pk = field(node, "public_key");
        if (pk.isMissingNode()) {
            throw new NodeConfigException(at + ".public_key: required");
        }
        byte[] publicKey = key(pk, at + ".public_key");
        JsonNode ep = field(node, "endpoint");
        InetSocketAddress endpoint = ep.isMissingNode() || ep.isNull() ? null : endpoint(string(ep, at + ".endpoint"), at + ".endpoint");
        List<IpPrefix> allowed = new ArrayList<>();
        JsonNode ips = field(node, "allowed_ips");
        if (ips.isArray()) {
            for (int i = 0; i < ips.size(); i++) {
                allowed.add(prefix(string(ips.get(i), at + ".allowed_ips[" + i + "]"), at + ".allowed_ips[" + i + "]"));
            }
        } else if (!ips.isMissingNode() && !ips.isNull()) {
            String[] parts = string(ips, at + ".allowed_ips").split(",");
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].isBlank()) {
                    allowed.add(prefix(parts[i].strip(), at + ".allowed_ips[" + i + "]"));
                }
            }
        }
        int keepalive = integer(field(node, "persistent_keepalive"), at + ".persistent_keepalive", 0, 0, 65535);
        JsonNode psk = field(node, "preshared_key");
        byte[] preshared = psk.isMissingNode() || psk.isNull() ? null : key(psk, at + ".preshared_key");
        return new StaticPeer(publicKey, endpoint, allowed, keepalive, preshared);
    }

    private static void object(JsonNode node, String at, Set<String> allowed) throws NodeConfigException {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new NodeConfigException((at.isEmpty() ? "the configuration" : at) + ": must be a mapping");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                String path = at.isEmpty() ? name : at + "." + name;
                throw new NodeConfigException(path + ": unknown key (expected one of " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return MissingNode.getInstance();
        }
        JsonNode v = node.get(name);
        return v == null ? MissingNode.getInstance() : v;
    }

    private static String string(JsonNode node, String at) throws NodeConfigException {
        if (!node.isTextual()) {
            throw new NodeConfigException(at + ": must be a string");
        }
        return node.asText();
    }

    private static int integer(JsonNode node, String at, int fallback, int min, int max) throws NodeConfigException {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new NodeConfigException(at + ": must be a whole number from " + min + " to " + max);
        }
        int v = node.intValue();
        if (v < min || v > max) {
            throw new NodeConfigException(at + ": " + v + " out of range " + min + ".." + max);
        }
        return v;
    }

    private Path requiredPath(JsonNode node, String at) throws NodeConfigException {
        if (node.isMissingNode() || node.isNull()) {
            throw new NodeConfigException(at + ": required");
        }
        return path(node, at);
    }

    private Path path(JsonNode node, String at) throws NodeConfigException {
        String s = string(node, at);
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

    private static byte[] key(JsonNode node, String at) throws NodeConfigException {
        String s = string(node, at).strip();
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

    private static IpPrefix prefix(String s, String at) throws NodeConfigException {
        try {
            return IpPrefix.parse(s);
        } catch (IllegalArgumentException e) {
            throw new NodeConfigException(at + ": not an IP prefix ('" + s + "'): " + e.getMessage());
        }
    }

    /** {@code host:port}, {@code a.b.c.d:port} or {@code [v6]:port}; names are resolved now. */
    static InetSocketAddress endpoint(String s, String at) throws NodeConfigException {
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new NodeConfigException(at + ": not host:port ('" + s + "')");
            }
            host = s.substring(1, close);
            portText = s.substring(close + 2);
            if (host.indexOf(':') < 0) {
                throw new NodeConfigException(at + ": not host:port ('" + s + "'): brackets are for IPv6 addresses");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new NodeConfigException(at + ": not host:port ('" + s + "')"
                        + (s.indexOf(':') != s.lastIndexOf(':') ? ": write IPv6 as [address]:port" : ""));
            }
            host = s.substring(0, colon);
            portText = s.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new NodeConfigException(at + ": not host:port ('" + s + "'): bad port");
        }
        if (port < 1 || port > 65535) {
            throw new NodeConfigException(at + ": port " + port + " out of range 1..65535");
        }
        boolean literal = host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
        if (!literal && !HOST_NAME.matcher(host).matches()) {
            throw new NodeConfigException(at + ": not host:port ('" + s + "'): bad host");
        }
        if (literal && host.indexOf(':') >= 0 && !host.matches("[0-9A-Fa-f:.]+")) {
            throw new NodeConfigException(at + ": not host:port ('" + s + "'): bad IPv6 address");
        }
        if (IPV4.matcher(host).matches()) {
            for (String octet : host.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw new NodeConfigException(at + ": not host:port ('" + s + "'): bad IPv4 address");
                }
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new NodeConfigException(at + ": " + (literal ? "bad address" : "cannot resolve") + " '" + host + "'");
        }
    }
}

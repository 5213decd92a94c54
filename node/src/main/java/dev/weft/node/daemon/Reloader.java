package dev.weft.node.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.certs.CertsException;
import dev.weft.certs.NodeIdentity;
import dev.weft.certs.Revocation;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.WeftCertificate;
import dev.weft.dataplane.Dataplane;
import dev.weft.gossip.NodeId;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.Mesh;
import dev.weft.node.config.NodeConfig;
import dev.weft.node.config.StaticPeer;
import dev.weft.node.dns.DnsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies a changed configuration to a running node without dropping its sessions: the CA bundle,
 * revocations and blocklist entries, static peers, DNS upstreams and forwards, the log level. Everything is checked before
 * anything is touched; a change to a key that only takes effect at start refuses the whole
 * reload with a one-line reason, and the running configuration stays as it was.
 */
final class Reloader {
    /** A key that the node reads only at start, and why. */
    private record AtStart(String key, Function<NodeConfig, Object> value, String why) {}

    private static final String RESTART = "needs a restart";
    private static final String MESH = "needs a restart (the mesh takes it only at start)";
    private static final List<AtStart> AT_START = List.of(
            new AtStart("pki.cert", NodeConfig::certFile, RESTART),
            new AtStart("pki.key", NodeConfig::keyFile, RESTART),
            new AtStart("listen.port", NodeConfig::listenPort, RESTART),
            new AtStart("tun.dev", NodeConfig::tunDev, RESTART),
            new AtStart("tun.mtu", NodeConfig::tunMtu, RESTART),
            new AtStart("tun.offloads", c -> c.offloads().tun(), RESTART),
            new AtStart("tun.gro", c -> c.offloads().tunGro(), RESTART),
            new AtStart("listen.gso", c -> c.offloads().udpGso(), RESTART),
            new AtStart("listen.gro", c -> c.offloads().udpGro(), RESTART),
            new AtStart("admin.socket", NodeConfig::adminSocket, RESTART),
            new AtStart("state_dir", NodeConfig::stateDir, RESTART),
            new AtStart("advertise_addrs", NodeConfig::advertiseAddrs, MESH),
            new AtStart("lighthouse.am_lighthouse", c -> c.lighthouse().amLighthouse(), MESH),
            new AtStart("relay", NodeConfig::relay, MESH),
            new AtStart("routes.exit_node", c -> c.routes().exitNode(), MESH),
            new AtStart("dns.configure_host", c -> c.dns().configureHost(), RESTART),
            new AtStart("dns.enabled", c -> c.dns().enabled(), RESTART),
            new AtStart("dns.domain", c -> c.dns().domain(), RESTART),
            new AtStart("dns.listen", c -> c.dns().listen(), RESTART),
            new AtStart("dns.ttl", c -> c.dns().ttl(), RESTART),
            new AtStart("metrics.listen", c -> c.metrics().listen(), RESTART),
            new AtStart("logging.format", c -> c.logging().json(), RESTART));

    private final Dataplane dataplane;
    private final Mesh mesh;
    private final DnsServer dns;
    private final WeftCertificate ownCertificate;
    private final RevocationSet revocations;
    private final Digests startDigests;
    private NodeConfig running;
    private Set<String> blocklist;

    static final String REFUSED = "reload refused, nothing was changed: ";

    Reloader(NodeConfig config, Dataplane dataplane, Mesh mesh, DnsServer dns, WeftCertificate ownCertificate,
             RevocationSet revocations) {
        this.running = config;
        this.dataplane = dataplane;
        this.mesh = mesh;
        this.dns = dns;
        this.ownCertificate = ownCertificate;
        this.revocations = revocations;
        this.startDigests = Digests.of(config);
        this.blocklist = blocklistEntries(config.blocklistFile());
    }

    /** The configuration in force now (the one started with, or the last reload's). */
    synchronized NodeConfig running() {
        return running;
    }

    /**
     * Applies {@code next}; returns {@code {"applied": [...], "notices": [...]}}. Throws
     * {@link IllegalArgumentException} with one line, having changed nothing, when a key that needs
     * a restart changed or a file it names is wrong.
     */
    synchronized ObjectNode reload(NodeConfig next) {
        List<String> refused = new ArrayList<>();
        for (AtStart k : AT_START) {
            if (!Objects.equals(k.value().apply(running), k.value().apply(next))) {
                refused.add(k.key() + " " + k.why());
            }
        }
        refused.addAll(startDigests.changed(Digests.of(next)));
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(REFUSED + String.join("; ", refused));
        }
        // check every file before touching anything
        CaBundleChange ca = CaBundleChange.plan(next, mesh.trust(), ownCertificate, java.time.Instant.now());
        TrustBundle trust = ca.bundle();
        try {
            NodeDaemon.revocations(next, trust);
        } catch (NodeStartException e) {
            throw new IllegalArgumentException(REFUSED + e.getMessage());
        }
        List<Revocation> nextRevocations = new ArrayList<>();
        for (Path f : next.revocationFiles()) {
            try {
                nextRevocations.addAll(Revocation.load(f));
            } catch (CertsException e) {
                throw new IllegalArgumentException("reload refused, nothing was changed: pki.revocations: " + e.getMessage());
            }
        }
        List<java.net.InetSocketAddress> nextLighthouses = null;
        if (!next.lighthouse().hosts().equals(running.lighthouse().hosts())) {
            nextLighthouses = new ArrayList<>();
            for (int i = 0; i < next.lighthouse().hosts().size(); i++) {
                try {
                    nextLighthouses.add(NodeDaemon.resolve(next.lighthouse().hosts().get(i), "lighthouse.hosts[" + i + "]"));
                } catch (NodeStartException e) {
                    throw new IllegalArgumentException(REFUSED + e.getMessage());
                }
            }
        }
        Set<String> nextBlocklist = blocklistEntries(next.blocklistFile());
        boolean republish = !next.routes().advertise().equals(running.routes().advertise())
                || !next.dns().records().equals(running.dns().records());
        byte[] nextDns = null;
        if (republish) {
            NodeIdentity self = mesh.self().identity();
            for (int i = 0; i < next.routes().advertise().size(); i++) {
                var p = next.routes().advertise().get(i);
                if (!self.mayAdvertise(p)) {
                    throw new IllegalArgumentException("reload refused, nothing was changed: routes.advertise[" + i + "]: "
                            + p + " is outside the certificate's subnets " + self.subnets());
                }
            }
            try {
                nextDns = dev.weft.node.dns.DnsRecordCodec.encode(next.dns().records());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("reload refused, nothing was changed: dns.records: " + e.getMessage());
            }
        }

        List<String> applied = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        if (ca.changes()) { // first: revocations below may come from a CA trusted only now
            List<String> ended = mesh.replaceTrust(trust);
            applied.add(ca.describe());
            if (!ended.isEmpty()) {
                applied.add("sessions to " + count(ended.size(), "member", "members") + " of a CA no longer trusted ended: "
                        + String.join(", ", ended));
            }
        }
        Set<String> added = new LinkedHashSet<>(nextBlocklist);
        added.removeAll(blocklist);
        Set<String> removed = new LinkedHashSet<>(blocklist);
        removed.removeAll(nextBlocklist);
        if (!added.isEmpty()) {
            try {
                revocations.addBlocklist(next.blocklistFile());
            } catch (CertsException e) { // checked above; only a file changed in between gets here
                throw new IllegalArgumentException("pki.blocklist: " + e.getMessage());
            }
            applied.add("pki.blocklist: " + count(added.size(), "entry", "entries") + " added");
        }
        if (!removed.isEmpty()) {
            notices.add("pki.blocklist: " + count(removed.size(), "entry", "entries")
                    + " no longer in the file " + (removed.size() == 1 ? "stays" : "stay") + " in force until a restart");
        }
        blocklist = nextBlocklist;
        int fresh = 0;
        for (Revocation r : nextRevocations) {
            if (mesh.revoke(r.encoded())) {
                fresh++;
            }
        }
        if (fresh > 0) {
            applied.add("pki.revocations: " + count(fresh, "new revocation", "new revocations"));
        }
        if (!next.revocationFiles().containsAll(running.revocationFiles())) {
            notices.add("pki.revocations: a revocation stays in force once accepted (gossip spreads it and state_dir keeps it); "
                    + "removing its file does not lift it");
        }
        if (!added.isEmpty() || fresh > 0) {
            int ended = 0;
            for (NodeIdentity dropped : mesh.channel().revalidate()) {
                mesh.sessions().close(NodeId.of(dropped.x25519PublicKey()));
                ended++;
            }
            if (ended > 0) {
                applied.add("sessions to " + count(ended, "revoked member", "revoked members") + " ended");
            }
        }
        if (nextLighthouses != null) {
            List<java.net.InetSocketAddress> before = new ArrayList<>(mesh.lighthouses().keySet());
            mesh.useLighthouses(nextLighthouses);
            int addedHosts = 0;
            for (java.net.InetSocketAddress a : nextLighthouses) {
                addedHosts += before.contains(a) ? 0 : 1;
            }
            int removedHosts = 0;
            for (java.net.InetSocketAddress a : before) {
                removedHosts += nextLighthouses.contains(a) ? 0 : 1;
            }
            applied.add("lighthouse.hosts: " + addedHosts + " added, " + removedHosts + " removed");
        }
        String peers = applyPeers(running.peers(), next.peers());
        if (peers != null) {
            applied.add(peers);
        }
        if (!next.dns().upstreams().equals(running.dns().upstreams()) || !next.dns().forward().equals(running.dns().forward())) {
            if (dns != null) {
                dns.reroute(next.dns().upstreams(), next.dns().forward());
            }
            applied.add("dns.upstreams and dns.forward");
        }
        if (republish) {
            try {
                mesh.republish(next.routes().advertise(), nextDns);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("reload refused: routes.advertise and dns.records: " + e.getMessage());
            }
            applied.add("routes.advertise and dns.records: published to the mesh");
        }
        if (next.routes().acceptAll() != running.routes().acceptAll()
                || !next.routes().acceptOnly().equals(running.routes().acceptOnly())) {
            int installed = 0;
            int refusedRoutes = 0;
            for (var r : mesh.acceptRoutes(next.routes().acceptAll(), next.routes().acceptOnly())) {
                if (r.state() == dev.weft.lighthouse.routes.RouteTable.State.INSTALLED) {
                    installed++;
                } else if (r.state() == dev.weft.lighthouse.routes.RouteTable.State.REFUSED) {
                    refusedRoutes++;
                }
            }
            applied.add("routes.accept: routes re-evaluated (" + installed + " installed, " + refusedRoutes + " refused)");
        }
        if (!next.logging().level().equals(running.logging().level())) {
            dev.weft.node.logging.Logging.setLevel(next.logging().level());
            applied.add("logging.level: " + next.logging().level());
        }
        running = next;
        ObjectNode reply = new ObjectMapper().createObjectNode();
        ArrayNode a = reply.putArray("applied");
        applied.forEach(a::add);
        ArrayNode n = reply.putArray("notices");
        notices.forEach(n::add);
        return reply;
    }

    /** Adds, changes and removes static peers; a peer whose key stays keeps its session. */
    private String applyPeers(List<StaticPeer> before, List<StaticPeer> after) {
        int addedPeers = 0;
        int changed = 0;
        int removedPeers = 0;
        for (StaticPeer p : before) {
            if (find(after, p.publicKey()) == null) {
                dataplane.device().removePeer(p.publicKey());
                removedPeers++;
            }
        }
        for (StaticPeer p : after) {
            StaticPeer old = find(before, p.publicKey());
            if (old == null) {
                dataplane.device().addPeer(p.toPeerConfig());
                addedPeers++;
            } else if (!same(old, p)) {
                dataplane.device().updatePeer(p.toPeerConfig());
                changed++;
            }
        }
        Set<IpPrefix> oldRoutes = routes(before);
        Set<IpPrefix> newRoutes = routes(after);
        for (IpPrefix r : oldRoutes) {
            if (!newRoutes.contains(r)) {
                dataplane.removeRoute(r);
            }
        }
        for (IpPrefix r : newRoutes) {
            if (!oldRoutes.contains(r)) {
                dataplane.addRoute(r);
            }
        }
        if (addedPeers + changed + removedPeers == 0) {
            return null;
        }
        return "wireguard.peers: " + addedPeers + " added, " + changed + " changed, " + removedPeers + " removed";
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static StaticPeer find(List<StaticPeer> peers, byte[] key) {
        for (StaticPeer p : peers) {
            if (MessageDigest.isEqual(p.publicKey(), key)) {
                return p;
            }
        }
        return null;
    }

    private static boolean same(StaticPeer a, StaticPeer b) {
        return Objects.equals(a.endpoint(), b.endpoint()) && a.allowedIps().equals(b.allowedIps())
                && a.persistentKeepalive() == b.persistentKeepalive()
                && MessageDigest.isEqual(a.presharedKey() == null ? new byte[0] : a.presharedKey(),
                        b.presharedKey() == null ? new byte[0] : b.presharedKey());
    }

    /** The kernel routes static peers get: their allowed IPs, except default routes (which would take the underlay too). */
    private static Set<IpPrefix> routes(List<StaticPeer> peers) {
        Set<IpPrefix> out = new LinkedHashSet<>();
        for (StaticPeer p : peers) {
            for (IpPrefix prefix : p.allowedIps()) {
                if (prefix.length() > 0) {
                    out.add(prefix);
                }
            }
        }
        return out;
    }

    /** The entries of a blocklist file as its parser reads them (comments and blank lines left out). */
    private static Set<String> blocklistEntries(Path file) {
        Set<String> out = new LinkedHashSet<>();
        if (file == null) {
            return out;
        }
        try {
            for (String line : Files.readString(file, StandardCharsets.UTF_8).split("\r?\n")) {
                int hash = line.indexOf('#');
                String entry = (hash < 0 ? line : line.substring(0, hash)).strip();
                if (!entry.isEmpty()) {
                    out.add(entry);
                }
            }
        } catch (IOException e) {
            // checked by the caller's parse first; an unreadable file has no entries to compare
        }
        return out;
    }

    /** SHA-256 of the certificate and key files: the same paths with other contents also need a restart. */
    private record Digests(byte[] cert, byte[] key) {
        static Digests of(NodeConfig c) {
            return new Digests(digest(c.certFile()), digest(c.keyFile()));
        }

        List<String> changed(Digests next) {
            List<String> out = new ArrayList<>();
            if (!Arrays.equals(cert, next.cert)) {
                out.add("pki.cert: the certificate file changed, " + RESTART);
            }
            if (!MessageDigest.isEqual(key, next.key)) {
                out.add("pki.key: the key file changed, " + RESTART);
            }
            return out;
        }

        private static byte[] digest(Path p) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
            } catch (IOException e) {
                return new byte[0]; // unreadable now: counts as changed
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError("every JDK has SHA-256", e);
            }
        }
    }
}

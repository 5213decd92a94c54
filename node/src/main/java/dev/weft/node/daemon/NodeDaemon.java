package dev.weft.node.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.certs.CertsException;
import dev.weft.certs.CertificateVerifier;
import dev.weft.certs.NodeIdentity;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.Revocation;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.Verdict;
import dev.weft.certs.WeftCertificate;
import dev.weft.dataplane.Dataplane;
import dev.weft.dataplane.DataplaneSettings;
import dev.weft.dataplane.DataplaneSettings.InterfaceAddress;
import dev.weft.dataplane.udp.ControlHandler;
import dev.weft.dataplane.wireguard.WireGuardOptions;
import dev.weft.node.admin.AdminServer;
import dev.weft.node.admin.AdminSocketInUseException;
import dev.weft.node.config.NodeConfig;
import dev.weft.node.config.HostPort;
import dev.weft.lighthouse.Mesh;
import dev.weft.lighthouse.routes.RouteTable;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.gossip.GossipConfig;
import dev.weft.ip.IpPrefix;
import io.netty.buffer.Unpooled;
import dev.weft.node.config.OwnerOnly;
import dev.weft.node.config.StaticPeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A running weft node: its certificate checked against the CA, its TUN interface with the
 * certificate's overlay addresses, kernel routes to its static peers' allowed IPs, the UDP
 * socket and WireGuard, and the admin socket. {@link #close} undoes all of it (the interface
 * and the admin socket disappear).
 */
public final class NodeDaemon implements AutoCloseable {
    private final NodeIdentity identity;
    private final Dataplane dataplane;
    private final List<InterfaceAddress> addresses;
    private final Services services;
    private final Mesh mesh;
    private final dev.weft.node.metrics.MetricsServer metrics;
    private final Reloader reloader;
    private final java.nio.file.Path source;

    private NodeDaemon(NodeIdentity identity, Dataplane dataplane, List<InterfaceAddress> addresses,
                       Services services, Mesh mesh, dev.weft.node.metrics.MetricsServer metrics, Reloader reloader,
                       java.nio.file.Path source) {
        this.metrics = metrics;
        this.reloader = reloader;
        this.source = source;
        this.identity = identity;
        this.dataplane = dataplane;
        this.addresses = addresses;
        this.services = services;
        this.mesh = mesh;
    }

    /** The PKI a node runs with: what it trusts, what it refuses, and who it is. */
    private record Pki(TrustBundle trust, RevocationSet revocations, WeftCertificate certificate, NodeIdentity identity) {}

    /** Control datagrams arrive before the mesh exists (the socket is bound first): dropped until then. */
    private static final class DeferredControl implements ControlHandler {
        private volatile ControlHandler target;

        @Override
        public void onControl(io.netty.buffer.ByteBuf message, java.net.InetSocketAddress from) {
            ControlHandler t = target;
            if (t == null) {
                message.release();
            } else {
                t.onControl(message, from);
            }
        }
    }

    /**
     * Starts a node. Refuses (with a one-line reason) when the certificate is not valid under
     * {@code pki.ca} now, when the key does not belong to the certificate, or when the
     * interface, socket or admin socket cannot be set up. An admin socket or UDP port that
     * another node holds is found before anything is created, and the reason names the key to
     * change ({@code tun.dev}, {@code admin.socket}, {@code listen.port}).
     */
    public static NodeDaemon start(NodeConfig config, Clock clock) throws NodeStartException {
        return start(config, clock, WireGuardOptions.standard());
    }

    /** Starts a node with other WireGuard protocol options (shortened timers in tests). */
    public static NodeDaemon start(NodeConfig config, Clock clock, WireGuardOptions options) throws NodeStartException {
        return start(config, clock, options, null);
    }

    /**
     * Starts a node read from {@code source}, the file that {@code weft reload} and SIGHUP read
     * again (null: the node cannot reload).
     */
    public static NodeDaemon start(NodeConfig config, Clock clock, WireGuardOptions options, java.nio.file.Path source)
            throws NodeStartException {
        Pki pki = verifiedIdentity(config, clock);
        NodeIdentity identity = pki.identity();
        Preflight.check(config);
        NodeKeys keys = keys(config, identity);
        byte[] privateKey = keys.x25519Private();
        DeferredControl control = new DeferredControl();
        List<InterfaceAddress> addresses = new ArrayList<>();
        for (IpPrefix ip : identity.ips()) {
            try {
                addresses.add(new InterfaceAddress(InetAddress.getByAddress(ip.address()), ip.length()));
            } catch (UnknownHostException e) {
                throw new AssertionError("4 or 16 bytes are an address", e);
            }
        }
        Services services = new Services();
        Dataplane dataplane;
        try {
            dataplane = services.add(Dataplane.start(new DataplaneSettings(privateKey, config.tunDev(), config.tunMtu(),
                    config.listenPort(), addresses, options, control, config.offloads())));
        } catch (Exception e) { // Netty's bind failure is a checked exception it throws undeclared
            throw new NodeStartException(dataplaneFailure(config, e), e);
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
        try {
            for (StaticPeer peer : config.peers()) { // removed with the dataplane
                dataplane.device().addPeer(peer.toPeerConfig());
                for (IpPrefix prefix : peer.allowedIps()) {
                    if (prefix.length() > 0) { // a default route would capture the underlay too
                        dataplane.addRoute(prefix);
                    }
                }
            }
            // A default route (from routes.exit_node) is not a plain route: it would take weft's own underlay traffic too.
            ExitRoute exit = new ExitRoute(config.tunDev(), dataplane.udp().port(), ExitRoute::exec);
            RouteTable.Installer installer = new RouteTable.Installer() {
                @Override
                public void install(IpPrefix prefix) {
                    if (prefix.length() == 0) {
                        String failure = exit.install(!prefix.isIpv4());
                        if (failure != null) {
                            System.err.println("weft node: routes: default route " + prefix + " not installed: " + failure);
                        }
                        return;
                    }
                    dataplane.addRoute(prefix.network());
                }

                @Override
                public void remove(IpPrefix prefix) {
                    if (prefix.length() == 0) {
                        exit.remove(!prefix.isIpv4());
                        return;
                    }
                    dataplane.removeRoute(prefix.network());
                }
            };
            Mesh mesh = services.add(Mesh.start(meshSettings(config, keys, pki, installer, dataplane.udp().port()), dataplane.device(),
                    (bytes, to) -> dataplane.sendDatagram(Unpooled.wrappedBuffer(bytes), to), identity,
                    dataplane.relayForwarder(), config.relay().useRelays() ? dataplane.relayClients() : null));
            control.target = mesh;
            mesh.useSocket(dataplane.udp());
            dev.weft.node.dns.DnsServer dns = null;
            if (config.dns().enabled()) {
                dns = services.add(startDns(config, mesh, identity));
                if (config.dns().configureHost()) { // closed before the server: the host stops asking first
                    services.add(dev.weft.node.dns.HostResolver.configure(config.tunDev(), config.dns().domain(),
                            dns.addresses(), dev.weft.node.dns.HostResolver::exec, System.err));
                }
            }
            dev.weft.node.metrics.MetricsServer metrics = null;
            if (config.metrics().enabled()) {
                metrics = services.add(startMetrics(config, dataplane, mesh, dns));
            }
            Reloader reloader = new Reloader(config, dataplane, mesh, dns, pki.certificate(), pki.revocations());
            NodeDaemon node = new NodeDaemon(identity, dataplane, List.copyOf(addresses), services, mesh, metrics,
                    reloader, source);
            // last: the socket answers only for a node that exists and is complete
            services.add(AdminServer.start(config.adminSocket(), node::handle));
            return node;
        } catch (IOException | RuntimeException e) {
            services.close();
            if (e instanceof AdminSocketInUseException) { // another node took it since the preflight check
                throw new NodeStartException(Preflight.socketInUse(config), e);
            }
            if (e instanceof IllegalStateException && (String.valueOf(e.getMessage()).startsWith("dns.listen:")
                    || String.valueOf(e.getMessage()).startsWith("metrics.listen:"))) {
                throw new NodeStartException(e.getMessage(), e);
            }
            String what = e instanceof IOException ? "admin socket " + config.adminSocket() : "peers, routes and the mesh";
            throw new NodeStartException("cannot set up " + what + ": " + e.getMessage(), e);
        }
    }

    /** One line naming the key to change when the cause is known: the port or the interface taken by another node. */
    private static String dataplaneFailure(NodeConfig config, Exception e) {
        String reason = String.valueOf(e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("bind") && (m.contains("Address already in use") || m.contains("Permission denied"))) {
                return Preflight.bindFailure(config.listenPort(),
                        m.contains("Address already in use") ? "Address already in use" : "Permission denied");
            }
        }
        if (reason.contains("TUNSETIFF") && reason.contains("EBUSY")) {
            return "tun.dev: interface " + config.tunDev() + " is in use by another process (another weft node?): "
                    + "give this node a different tun.dev";
        }
        return "cannot set up interface " + config.tunDev() + " and UDP port " + config.listenPort() + ": " + reason;
    }

    /** @param boundPort the UDP port the socket got: {@code listen.port}, or the kernel's choice for port 0 */
    private static Mesh.Settings meshSettings(NodeConfig config, NodeKeys keys, Pki pki, RouteTable.Installer installer,
                                              int boundPort) throws NodeStartException {
        List<java.net.InetSocketAddress> lighthouses = new ArrayList<>();
        List<HostPort> hosts = config.lighthouse().hosts();
        for (int i = 0; i < hosts.size(); i++) {
            lighthouses.add(resolve(hosts.get(i), "lighthouse.hosts[" + i + "]"));
        }
        List<java.net.InetSocketAddress> advertised = new ArrayList<>();
        for (int i = 0; i < config.advertiseAddrs().size(); i++) {
            advertised.add(resolve(config.advertiseAddrs().get(i), "advertise_addrs[" + i + "]"));
        }
        for (int i = 0; i < config.routes().advertise().size(); i++) {
            IpPrefix p = config.routes().advertise().get(i);
            // Only to play a modified node in the lab (receivers check against the certificate whatever is sent).
            if (!pki.identity().mayAdvertise(p) && System.getenv(UNCHECKED_ADVERTISE_VARIABLE) == null) {
                throw new NodeStartException("routes.advertise[" + i + "]: " + p + " is outside the certificate's subnets "
                        + pki.identity().subnets() + " (sign the certificate with --subnets to advertise it)", null);
            }
        }
        List<IpPrefix> local = dev.weft.lighthouse.discovery.LocalAddresses.networks(config.tunDev());
        RouteTable.Policy policy = new RouteTable.Policy(config.routes().acceptAll(), config.routes().acceptOnly(), local,
                config.routes().exitNode().orElse(null));
        return new Mesh.Settings(keys, pki.certificate(), pki.trust(), pki.revocations(), config.lighthouse().amLighthouse(),
                config.relay().amRelay(), lighthouses, advertised, true, boundPort, config.tunDev(),
                config.stateDir(), sessionIdle(System.getenv(SESSION_IDLE_VARIABLE)), GossipConfig.defaults(),
                config.routes().advertise(), policy, installer,
                dev.weft.node.dns.DnsRecordCodec.encode(config.dns().records()), config.relay().useRelays());
    }

    /** {@code /metrics} on {@code metrics.listen}; a port taken names the key. */
    private static dev.weft.node.metrics.MetricsServer startMetrics(NodeConfig config, Dataplane dataplane, Mesh mesh,
                                                                    dev.weft.node.dns.DnsServer dns) {
        java.net.InetSocketAddress listen = config.metrics().listen();
        try {
            return dev.weft.node.metrics.MetricsServer.start(listen,
                    dev.weft.node.metrics.NodeMetrics.registry(dataplane, mesh, dns));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("metrics.listen: cannot listen on " + StatusReport.endpoint(listen) + ": "
                    + e.getMessage(), e);
        }
    }

    /** The embedded DNS server on {@code dns.listen} (default: the overlay IPv4 address, port 53). */
    private static dev.weft.node.dns.DnsServer startDns(NodeConfig config, Mesh mesh, NodeIdentity identity) {
        dev.weft.node.config.DnsConfig d = config.dns();
        List<java.net.InetSocketAddress> listen = new ArrayList<>(d.listen());
        boolean defaults = listen.isEmpty();
        if (defaults) {
            for (IpPrefix ip : identity.ips()) {
                if (ip.isIpv4()) {
                    listen.add(new java.net.InetSocketAddress(ip.inetAddress(), 53));
                }
            }
        }
        MeshDnsNames names = new MeshDnsNames(mesh, identity, d.records());
        if (defaults) {
            // The host's own resolver can ask 127.0.42.1; a second node on the same host, or a
            // namespace whose loopback is down, keeps the overlay address only (defaults never
            // stop a node from starting; an explicit dns.listen does).
            List<java.net.InetSocketAddress> withLoopback = new ArrayList<>(listen);
            withLoopback.add(new java.net.InetSocketAddress(DEFAULT_DNS_LOOPBACK, 53));
            try {
                return dev.weft.node.dns.DnsServer.start(dnsOptions(d, withLoopback), names);
            } catch (IOException | RuntimeException e) {
                System.err.println("weft node: dns: not listening on " + DEFAULT_DNS_LOOPBACK.getHostAddress()
                        + ":53 (" + e.getMessage() + "); the overlay address only (set dns.listen to choose)");
            }
        }
        try {
            return dev.weft.node.dns.DnsServer.start(dnsOptions(d, listen), names);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("dns.listen: cannot listen on " + listen + ": " + e.getMessage(), e);
        }
    }

    /** Where the DNS server also listens by default, for the host's own resolver. */
    static final java.net.InetAddress DEFAULT_DNS_LOOPBACK = loopback42();

    private static java.net.InetAddress loopback42() {
        try {
            return java.net.InetAddress.getByAddress(new byte[] {127, 0, 42, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static dev.weft.node.dns.DnsOptions dnsOptions(dev.weft.node.config.DnsConfig d, List<java.net.InetSocketAddress> listen) {
        return dev.weft.node.dns.DnsOptions.defaults(listen, d.upstreams())
                .withDomain(d.domain()).withForward(d.forward()).withTtl(d.ttl());
    }

    /** Test-only: a shorter idle time for on-demand sessions, so the lab sees them close and come back. */
    static final String SESSION_IDLE_VARIABLE = "WEFT_TEST_SESSION_IDLE_SECONDS";
    /** Set (to anything): routes.advertise is not checked against the certificate at start (lab tests of receivers' checks). */
    static final String UNCHECKED_ADVERTISE_VARIABLE = "WEFT_TEST_UNCHECKED_ADVERTISE";
    static final java.time.Duration SESSION_IDLE = java.time.Duration.ofMinutes(5);

    static java.time.Duration sessionIdle(String seconds) throws NodeStartException {
        if (seconds == null || seconds.isBlank()) {
            return SESSION_IDLE;
        }
        try {
            long s = Long.parseLong(seconds.strip());
            if (s < 1 || s > 3600) {
                throw new NumberFormatException();
            }
            return java.time.Duration.ofSeconds(s);
        } catch (NumberFormatException e) {
            throw new NodeStartException(SESSION_IDLE_VARIABLE + ": '" + seconds + "' is not 1..3600 seconds", e);
        }
    }

    static java.net.InetSocketAddress resolve(HostPort h, String key) throws NodeStartException {
        try {
            return h.resolve();
        } catch (UnknownHostException e) {
            throw new NodeStartException(key + ": cannot resolve " + h.host(), e);
        }
    }

    private static Pki verifiedIdentity(NodeConfig config, Clock clock) throws NodeStartException {
        TrustBundle trust;
        try {
            trust = TrustBundle.load(config.caFiles());
        } catch (CertsException e) {
            throw new NodeStartException("pki.ca: " + e.getMessage(), e);
        }
        WeftCertificate cert;
        try {
            cert = WeftCertificate.load(config.certFile());
        } catch (CertsException e) {
            throw new NodeStartException("pki.cert: " + e.getMessage(), e);
        }
        RevocationSet revocations = revocations(config, trust);
        Verdict verdict = new CertificateVerifier(trust, revocations).verify(cert, clock.instant());
        if (verdict instanceof Verdict.Invalid invalid) {
            throw new NodeStartException("pki.cert: " + config.certFile() + " is not valid under pki.ca: "
                    + invalid.reason(), null);
        }
        NodeIdentity identity = ((Verdict.Valid) verdict).identity();
        if (identity.ips().isEmpty()) {
            throw new NodeStartException("pki.cert: the certificate has no overlay IP address", null);
        }
        return new Pki(trust, revocations, cert, identity);
    }

    /** {@code pki.blocklist} and {@code pki.revocations}, each revocation checked against the CAs. */
    static RevocationSet revocations(NodeConfig config, TrustBundle trust) throws NodeStartException {
        RevocationSet set = new RevocationSet();
        if (config.blocklistFile() != null) {
            try {
                set.addBlocklist(config.blocklistFile());
            } catch (CertsException e) {
                throw new NodeStartException("pki.blocklist: " + e.getMessage(), e);
            }
        }
        List<java.nio.file.Path> files = config.revocationFiles();
        for (int i = 0; i < files.size(); i++) {
            try {
                for (Revocation r : Revocation.load(files.get(i))) {
                    set.add(r, trust);
                }
            } catch (CertsException e) {
                throw new NodeStartException("pki.revocations[" + i + "]: " + e.getMessage(), e);
            }
        }
        return set;
    }

    private static NodeKeys keys(NodeConfig config, NodeIdentity identity) throws NodeStartException {
        String loose = OwnerOnly.problem(config.keyFile());
        if (loose != null) {
            throw new NodeStartException("pki.key: " + loose, null);
        }
        NodeKeys keys;
        try {
            keys = NodeKeys.load(config.keyFile());
        } catch (CertsException e) {
            throw new NodeStartException("pki.key: " + e.getMessage(), e);
        }
        if (!MessageDigest.isEqual(keys.x25519Public(), identity.x25519PublicKey())) {
            throw new NodeStartException("pki.key: " + config.keyFile() + " is not the key of the certificate "
                    + config.certFile() + " (its X25519 public key differs)", null);
        }
        return keys;
    }

    private JsonNode handle(String command) {
        String[] words = command.split(" ", 2);
        return switch (words[0]) {
            case "status" -> status();
            case "members" -> MeshReport.members(mesh);
            case "ping" -> ping(words.length > 1 ? words[1] : "");
            case "revoke" -> revoke(words.length > 1 ? words[1] : "");
            case "routes" -> MeshReport.routes(mesh);
            case "reload" -> reload();
            default -> throw new IllegalArgumentException(
                    "unknown command '" + words[0] + "' (known: status, members, ping, revoke, routes, reload)");
        };
    }

    /**
     * Reads the configuration file again and applies what changed without dropping sessions
     * ({@code weft reload}, SIGHUP). Returns {@code {"applied": [...], "notices": [...]}}; throws
     * {@link IllegalArgumentException} with one line, leaving the node as it was, when the file is
     * broken or changes a key that needs a restart.
     */
    public JsonNode reload() {
        if (source == null) {
            throw new IllegalArgumentException("this node was not started from a configuration file: nothing to reload");
        }
        NodeConfig next;
        try {
            next = NodeConfig.load(source);
        } catch (dev.weft.node.config.NodeConfigException e) {
            throw new IllegalArgumentException("reload refused, nothing was changed: " + e.getMessage());
        }
        return reloader.reload(next);
    }

    /** The status report (as {@code weft status --json} prints it). */
    public JsonNode status() {
        com.fasterxml.jackson.databind.node.ObjectNode s = StatusReport.of(identity.name(), dataplane, addresses);
        MeshReport.annotatePeers(s, mesh);
        return s;
    }

    private JsonNode ping(String target) {
        MeshDirectory.Member m = mesh.find(target.strip());
        if (m == null) {
            throw new IllegalArgumentException("no member named or addressed '" + target.strip() + "'");
        }
        try {
            return MeshReport.ping(mesh.ping(m).get(3, java.util.concurrent.TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalArgumentException(m.name() + " did not answer: "
                    + (e.getCause() == null ? "timeout" : e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted");
        }
    }

    private JsonNode revoke(String base64) {
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a revocation (base64 expected)");
        }
        boolean fresh = mesh.revoke(bytes);
        com.fasterxml.jackson.databind.node.ObjectNode o = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        o.put("accepted", fresh);
        return o;
    }

    /** The node's part in the mesh. */
    public Mesh mesh() {
        return mesh;
    }

    /** The running dataplane. */
    public Dataplane dataplane() {
        return dataplane;
    }

    /** Where {@code /metrics} is served, or null when {@code metrics.listen} is not set. */
    public java.net.InetSocketAddress metricsAddress() {
        return metrics == null ? null : metrics.address();
    }

    /** The configuration the node runs with: the one it started with, or the last one reloaded. */
    public NodeConfig config() {
        return reloader.running();
    }

    /** Stops what it started in reverse order: the admin socket (its file removed), then the dataplane (the interface removed). */
    @Override
    public void close() {
        services.close();
    }
}

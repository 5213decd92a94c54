package dev.weft.node.daemon;

import dev.weft.certs.IpPrefix;
import dev.weft.certs.NodeIdentity;
import dev.weft.lighthouse.Mesh;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.node.dns.DnsRecordCodec;
import dev.weft.node.dns.MeshNames;
import dev.weft.node.dns.MeshRecord;
import dev.weft.node.dns.PublishedRecord;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mesh as the DNS server sees it: live members (and this node) by certificate name, their
 * overlay addresses, and the records they publish. Reads the mesh's directory (immutable
 * snapshots), so the server's event loop never waits for the gossip thread; a member declared
 * dead or revoked drops out, and its names and records with it.
 */
final class MeshDnsNames implements MeshNames {
    private final Mesh mesh;
    private final NodeIdentity self;
    private final List<PublishedRecord> ownRecords;
    /** Decoded records by member, keyed by the record bytes' identity: decoded once per change. */
    private final Map<Object, List<PublishedRecord>> decoded = new ConcurrentHashMap<>();

    MeshDnsNames(Mesh mesh, NodeIdentity self, List<PublishedRecord> ownRecords) {
        this.mesh = mesh;
        this.self = self;
        this.ownRecords = List.copyOf(ownRecords);
    }

    private static String label(String certificateName) {
        return certificateName.toLowerCase(Locale.ROOT);
    }

    @Override
    public List<InetAddress> addresses(String nodeName) {
        if (label(self.name()).equals(nodeName)) {
            return addressesOf(self);
        }
        for (MeshDirectory.Member m : mesh.directory().all()) {
            if (m.isUp() && label(m.name()).equals(nodeName)) {
                return addressesOf(m.identity());
            }
        }
        return List.of();
    }

    private static List<InetAddress> addressesOf(NodeIdentity identity) {
        List<InetAddress> out = new ArrayList<>();
        for (IpPrefix ip : identity.ips()) {
            out.add(ip.inetAddress());
        }
        return out;
    }

    @Override
    public Optional<String> nameOf(InetAddress overlayAddress) {
        for (IpPrefix ip : self.ips()) {
            if (ip.inetAddress().equals(overlayAddress)) {
                return Optional.of(label(self.name()));
            }
        }
        MeshDirectory.Member m = mesh.directory().byOverlayAddress(overlayAddress);
        return m != null && m.isUp() ? Optional.of(label(m.name())) : Optional.empty();
    }

    @Override
    public List<MeshRecord> records(String relativeName) {
        List<MeshRecord> out = new ArrayList<>();
        collect(out, label(self.name()), ownRecords, relativeName);
        for (MeshDirectory.Member m : mesh.directory().all()) {
            if (m.isUp() && m.record() != null) {
                collect(out, label(m.name()), recordsOf(m), relativeName);
            }
        }
        return out;
    }

    @Override
    public boolean exists(String relativeName) {
        if (!addresses(relativeName).isEmpty()) {
            return true;
        }
        String suffix = "." + relativeName;
        if (exists(ownRecords, relativeName, suffix)) {
            return true;
        }
        for (MeshDirectory.Member m : mesh.directory().all()) {
            if (m.isUp() && m.record() != null && exists(recordsOf(m), relativeName, suffix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean exists(List<PublishedRecord> records, String name, String suffix) {
        for (PublishedRecord r : records) {
            if (r.name().equals(name) || r.name().endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private List<PublishedRecord> recordsOf(MeshDirectory.Member m) {
        if (decoded.size() > 4096) {
            decoded.clear();
        }
        return decoded.computeIfAbsent(m.record(), r -> DnsRecordCodec.decode(m.record().dns()));
    }

    private static void collect(List<MeshRecord> out, String node, List<PublishedRecord> records, String name) {
        for (PublishedRecord r : records) {
            if (r.name().equals(name)) {
                out.add(new MeshRecord(node, r));
            }
        }
    }
}

package dev.weft.node.daemon;

import dev.weft.certs.NodeIdentity;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.Mesh;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.node.dns.DnsRecordCodec;
import dev.weft.node.dns.MeshNames;
import dev.weft.node.dns.MeshRecord;
import dev.weft.node.dns.PublishedRecord;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The mesh as the DNS server sees it: live members (and this node) by certificate name, their
 * overlay addresses, and the records they publish. Reads the mesh's directory, which publishes
 * a new immutable snapshot on every change; the names are indexed once per snapshot (on the
 * first query that sees it), so a query costs a few hash lookups whatever the mesh's size, and
 * the server's event loop never waits for the gossip thread. A member declared dead or revoked
 * drops out, and its names and records with it.
 */
final class MeshDnsNames implements MeshNames {
    private final Mesh mesh;
    private final NodeIdentity self;
    private final List<PublishedRecord> ownRecords;
    /** The index and the snapshot it was built from; replaced whole, read without locks. */
    private volatile Built built;

    private record Built(Collection<MeshDirectory.Member> snapshot, Index index) {}

    /**
     * Everything a query needs, by lower-case name relative to the domain. Compared by value, so
     * a snapshot that changed only what DNS does not see (where a member was last heard from)
     * keeps the old index and with it the answers the server reuses.
     */
    record Index(Map<String, List<InetAddress>> addresses, Map<InetAddress, String> names,
                 Map<String, List<MeshRecord>> records, Set<String> existing) {}

    MeshDnsNames(Mesh mesh, NodeIdentity self, List<PublishedRecord> ownRecords) {
        this.mesh = mesh;
        this.self = self;
        this.ownRecords = List.copyOf(ownRecords);
    }

    private static String label(String certificateName) {
        return certificateName.toLowerCase(Locale.ROOT);
    }

    private Index index() {
        Collection<MeshDirectory.Member> now = mesh.directory().all();
        Built b = built;
        if (b != null && b.snapshot == now) {
            return b.index;
        }
        Index fresh = build(now);
        Index kept = b != null && b.index.equals(fresh) ? b.index : fresh;
        built = new Built(now, kept);
        return kept;
    }

    private Index build(Collection<MeshDirectory.Member> members) {
        Map<String, List<InetAddress>> addresses = new HashMap<>();
        Map<InetAddress, String> names = new HashMap<>();
        Map<String, List<MeshRecord>> records = new HashMap<>();
        Set<String> existing = new HashSet<>();
        // This node first: its own name wins over a member claiming it (certificates are unique per CA anyway).
        add(label(self.name()), self, ownRecords, addresses, names, records, existing);
        for (MeshDirectory.Member m : members) {
            if (m.isUp()) {
                List<PublishedRecord> published = m.record() == null ? List.of() : DnsRecordCodec.decode(m.record().dns());
                add(label(m.name()), m.identity(), published, addresses, names, records, existing);
            }
        }
        Map<String, List<MeshRecord>> frozen = new HashMap<>();
        records.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new Index(Map.copyOf(addresses), Map.copyOf(names), Map.copyOf(frozen), Set.copyOf(existing));
    }

    private static void add(String node, NodeIdentity identity, List<PublishedRecord> published,
            Map<String, List<InetAddress>> addresses, Map<InetAddress, String> names, Map<String, List<MeshRecord>> records,
            Set<String> existing) {
        if (!addresses.containsKey(node)) {
            List<InetAddress> own = new ArrayList<>();
            for (IpPrefix ip : identity.ips()) {
                own.add(ip.inetAddress());
                names.putIfAbsent(ip.inetAddress(), node);
            }
            addresses.put(node, List.copyOf(own));
            exists(node, existing);
        }
        for (PublishedRecord r : published) {
            records.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(new MeshRecord(node, r));
            exists(r.name(), existing);
        }
    }

    /** The name and every name above it inside the domain (empty non-terminals exist: RFC 8020). */
    private static void exists(String name, Set<String> existing) {
        for (String n = name; ; ) {
            existing.add(n);
            int dot = n.indexOf('.');
            if (dot < 0) {
                return;
            }
            n = n.substring(dot + 1);
        }
    }

    @Override
    public List<InetAddress> addresses(String nodeName) {
        return index().addresses.getOrDefault(nodeName, List.of());
    }

    @Override
    public Optional<String> nameOf(InetAddress overlayAddress) {
        return Optional.ofNullable(index().names.get(overlayAddress));
    }

    @Override
    public List<MeshRecord> records(String relativeName) {
        return index().records.getOrDefault(relativeName, List.of());
    }

    @Override
    public boolean exists(String relativeName) {
        return index().existing.contains(relativeName);
    }

    @Override
    public Object version() {
        return index();
    }
}

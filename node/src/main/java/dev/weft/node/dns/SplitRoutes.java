package dev.weft.node.dns;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/** Which upstreams a name goes to: the longest {@code dns.forward} suffix it falls under, else {@code dns.upstreams}. */
final class SplitRoutes {
    private final List<InetSocketAddress> defaults;
    private final List<Map.Entry<Name, List<InetSocketAddress>>> bySuffix;

    SplitRoutes(List<InetSocketAddress> defaults, Map<String, List<InetSocketAddress>> forward) {
        this.defaults = List.copyOf(defaults);
        this.bySuffix = forward.entrySet().stream()
                .map(e -> Map.entry(Name.fromConstantString(e.getKey() + "."), List.copyOf(e.getValue())))
                .sorted((a, b) -> Integer.compare(b.getKey().labels(), a.getKey().labels())) // longest first
                .toList();
    }

    /** The upstreams for {@code name}, in the order they are tried; empty when there are none. */
    List<InetSocketAddress> upstreamsFor(Name name) {
        for (Map.Entry<Name, List<InetSocketAddress>> e : bySuffix) {
            if (name.subdomain(e.getKey())) {
                return e.getValue();
            }
        }
        return defaults;
    }
}

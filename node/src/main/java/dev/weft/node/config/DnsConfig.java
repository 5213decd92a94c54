package dev.weft.node.config;

import dev.weft.node.dns.PublishedRecord;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code dns}: the embedded DNS server.
 *
 * @param enabled {@code dns.enabled} (default true)
 * @param domain {@code dns.domain} (default {@code mesh.internal})
 * @param listen {@code dns.listen}; empty means the node's overlay IPv4 address, port 53
 * @param upstreams {@code dns.upstreams}: where every other name goes
 * @param forward {@code dns.forward}: per domain suffix, its own upstreams (split DNS)
 * @param records {@code dns.records}: what this node publishes
 * @param ttl {@code dns.ttl} (default 5 s): the TTL of mesh answers
 * @param configureHost {@code dns.configure_host} (default false): point systemd-resolved at this
 *     server for the domain while the node runs
 */
public record DnsConfig(boolean enabled, String domain, List<InetSocketAddress> listen, List<InetSocketAddress> upstreams,
                        Map<String, List<InetSocketAddress>> forward, List<PublishedRecord> records, Duration ttl,
                        boolean configureHost) {
    public static final DnsConfig DEFAULT =
            new DnsConfig(true, "mesh.internal", List.of(), List.of(), Map.of(), List.of(), Duration.ofSeconds(5), false);

    /** Without configure_host. */
    public DnsConfig(boolean enabled, String domain, List<InetSocketAddress> listen, List<InetSocketAddress> upstreams,
                     Map<String, List<InetSocketAddress>> forward, List<PublishedRecord> records, Duration ttl) {
        this(enabled, domain, listen, upstreams, forward, records, ttl, false);
    }

    public DnsConfig {
        listen = List.copyOf(listen);
        upstreams = List.copyOf(upstreams);
        forward = Map.copyOf(forward);
        records = List.copyOf(records);
    }
}

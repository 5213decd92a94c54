package dev.weft.node.metrics;

import dev.weft.dataplane.Dataplane;
import dev.weft.dataplane.wireguard.DeviceCounters;
import dev.weft.dataplane.wireguard.PeerStatus;
import dev.weft.gossip.MemberState;
import dev.weft.lighthouse.Mesh;
import dev.weft.lighthouse.channel.ChannelCounters;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.lighthouse.routes.RouteTable;
import dev.weft.lighthouse.sessions.SessionEvents;
import dev.weft.node.dns.DnsServer;
import dev.weft.node.dns.DnsStats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every metric a node exposes, read from the counters its parts already keep. The list of names,
 * types and labels is {@code docs/metrics.md}; a test keeps the two equal. A new metric is one
 * line in {@link #register}: hole punching and relays add theirs there once Mesh exposes them.
 */
public final class NodeMetrics {
    private NodeMetrics() {
    }

    /** A registry holding the node's metrics; {@code dns} is null when the DNS server is off. */
    public static PrometheusRegistry registry(Dataplane dataplane, Mesh mesh, DnsServer dns) {
        PrometheusRegistry registry = new PrometheusRegistry();
        register(new MetricSet(registry), dataplane, mesh, dns == null ? null : dns::stats);
        return registry;
    }

    /** Every metric a node with DNS on exposes (registering reads nothing: values are read at scrape time). */
    static List<MetricSet.Definition> definitions() {
        MetricSet set = new MetricSet(new PrometheusRegistry());
        register(set, null, null, () -> null);
        return set.definitions();
    }

    private static void register(MetricSet m, Dataplane dp, Mesh mesh, Supplier<DnsStats> dns) {
        // WireGuard traffic, summed over peers (per-peer series would grow with the mesh)
        m.counter("weft_received_bytes_total", "Bytes of authenticated WireGuard datagrams received from peers.",
                () -> peers(dp).stream().mapToLong(PeerStatus::rxBytes).sum());
        m.counter("weft_sent_bytes_total", "Bytes of WireGuard datagrams sent to peers.",
                () -> peers(dp).stream().mapToLong(PeerStatus::txBytes).sum());
        m.counter("weft_udp_received_datagrams_total", "Datagrams received on the node's UDP socket, by what they were.",
                "kind", () -> udpReceived(dp));
        m.counter("weft_udp_send_dropped_datagrams_total", "Datagrams not sent because the socket's send queue was full.",
                () -> dp.udpCounters().droppedOutbound());
        m.counter("weft_handshakes_completed_total", "WireGuard handshakes completed (either side initiating).",
                () -> mesh.sessionEvents().handshakes());
        m.counter("weft_rejected_packets_total", "Received packets refused, by reason.", "reason", () -> rejected(dp));
        m.counter("weft_dropped_outbound_packets_total", "Packets from the TUN interface not sent, by reason.",
                "reason", () -> droppedOutbound(dp.device().counters()));
        m.counter("weft_cookies_sent_total", "WireGuard cookie replies sent while under handshake load.",
                () -> dp.device().counters().cookiesSent());
        m.counter("weft_internal_errors_total", "Exceptions in weft's own code (bugs, never bad input), by component.",
                "component", () -> internalErrors(dp, dns));
        m.counter("weft_endpoint_changes_total", "Times a peer's session moved to another endpoint (roaming).",
                () -> mesh.sessionEvents().endpointChanges());
        // sessions and the mesh
        m.gauge("weft_sessions", "Peers with an endpoint for their WireGuard session, by path.", "path", () -> sessions(dp));
        m.gauge("weft_sessions_on_demand", "WireGuard sessions the mesh started on demand and keeps now.",
                () -> mesh.sessions().sessions().size());
        m.gauge("weft_members", "Members of the mesh this node knows, itself included, by state.", "state", () -> members(mesh));
        m.gauge("weft_routes", "Routes members advertise, by what this node does with them.", "state", () -> routes(mesh));
        // NAT traversal and relays
        m.counter("weft_punch_rounds_total", "Hole-punching rounds run (each pings every candidate of one peer).",
                () -> mesh.traversal().punchRounds());
        m.counter("weft_direct_paths_found_total", "Direct paths to peers that answered their first ping (punch successes).",
                () -> mesh.traversal().directPathsFound());
        m.counter("weft_birthday_probes_total", "Birthday probes sent to guessed ports of endpoint-dependent NATs.",
                () -> mesh.traversal().birthdayProbes());
        m.counter("weft_relay_forwarded_bytes_total", "Bytes this node forwarded as a relay.",
                () -> mesh.relays().forwardedBytes());
        m.gauge("weft_relay_bindings", "Relay bindings this node serves now.", () -> mesh.relays().bindings());
        // the control channel, which carries gossip, hellos and pings
        m.counter("weft_control_received_bytes_total", "Bytes of control datagrams received (gossip, hellos, pings).",
                () -> mesh.channel().counters().get(ChannelCounters.Counter.BYTES_RECEIVED));
        m.counter("weft_control_sent_bytes_total", "Bytes of control datagrams sent (gossip, hellos, pings).",
                () -> mesh.channel().counters().get(ChannelCounters.Counter.BYTES_SENT));
        m.counter("weft_control_events_total", "What the control channel did, by event.", "event", () -> control(mesh, false));
        m.counter("weft_control_dropped_datagrams_total", "Control datagrams dropped, by reason.", "reason",
                () -> control(mesh, true));
        // DNS
        if (dns != null) {
            m.counter("weft_dns_queries_total", "DNS queries received (UDP datagrams and TCP messages).",
                    () -> dns.get().queries());
            m.counter("weft_dns_results_total", "What became of DNS queries, by result.", "result", () -> dnsResults(dns.get()));
        }
    }

    private static List<PeerStatus> peers(Dataplane dp) {
        return dp.device().peers();
    }

    private static Map<String, Long> udpReceived(Dataplane dp) {
        var u = dp.udpCounters();
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("wireguard", u.wireguard());
        out.put("control", u.control());
        out.put("unknown", u.dropped());
        return out;
    }

    /**
     * The reasons of the list: transport replays and bad MACs are per peer (summed here),
     * handshake refusals are per device. {@code bad_mac} is both: a forged handshake or transport packet.
     */
    static Map<String, Long> rejected(Dataplane dp) {
        DeviceCounters d = dp.device().counters();
        long replay = 0;
        long badMac = d.badMac();
        long other = 0;
        for (PeerStatus p : peers(dp)) {
            replay += p.rejectedReplay();
            badMac += p.rejectedBadMac();
            other += p.rejectedOther();
        }
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("replay", replay);
        out.put("bad_mac", badMac);
        out.put("unknown_index", d.unknownPeer());
        out.put("malformed", d.malformed());
        out.put("handshake_replay", d.handshakeReplays());
        out.put("rate_limited", d.rateLimited());
        out.put("other", other);
        return out;
    }

    private static Map<String, Long> droppedOutbound(DeviceCounters d) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("no_route", d.noRoute());
        out.put("session_queue_full", d.stagedDropped());
        return out;
    }

    private static Map<String, Long> internalErrors(Dataplane dp, Supplier<DnsStats> dns) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("wireguard", dp.device().counters().internalErrors());
        if (dns != null) {
            out.put("dns", dns.get().internalErrors());
        }
        return out;
    }

    private static Map<String, Long> sessions(Dataplane dp) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("direct", 0L);
        out.put("relay", 0L);
        for (PeerStatus p : peers(dp)) {
            String path = SessionEvents.path(p.endpointValue());
            if (path != null) {
                out.merge(path, 1L, Long::sum);
            }
        }
        return out;
    }


    /** Every state, zeros included, so that a query for one state finds a series; this node is alive. */
    private static Map<String, Long> members(Mesh mesh) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (MemberState s : MemberState.values()) {
            out.put(s.name().toLowerCase(Locale.ROOT), 0L);
        }
        out.merge("alive", 1L, Long::sum);
        for (MeshDirectory.Member member : mesh.members()) {
            out.merge(member.state().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
        }
        return out;
    }

    private static Map<String, Long> routes(Mesh mesh) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (RouteTable.State s : RouteTable.State.values()) {
            out.put(s.name().toLowerCase(Locale.ROOT), 0L);
        }
        for (RouteTable.Route r : mesh.routes()) {
            out.merge(r.state().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
        }
        return out;
    }

    /** The channel's counters as labels: {@code drop_*} ones as drop reasons, the others as events (bytes have their own). */
    private static Map<String, Long> control(Mesh mesh, boolean drops) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var e : mesh.channel().counters().snapshot().entrySet()) {
            String name = e.getKey().name().toLowerCase(Locale.ROOT);
            if (name.startsWith("bytes_")) {
                continue;
            }
            if (drops && name.startsWith("drop_")) {
                out.put(name.substring("drop_".length()), e.getValue());
            } else if (!drops && !name.startsWith("drop_")) {
                out.put(name, e.getValue());
            }
        }
        return out;
    }

    private static Map<String, Long> dnsResults(DnsStats s) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("mesh", s.meshAnswers());
        out.put("cache_hit", s.cacheHits());
        out.put("forwarded", s.forwarded());
        out.put("upstream_failure", s.upstreamFailures());
        out.put("forward_limited", s.forwardLimited());
        out.put("rate_limited", s.rateLimited());
        out.put("form_error", s.formErrors());
        out.put("dropped", s.dropped());
        out.put("truncated", s.truncated());
        return out;
    }
}

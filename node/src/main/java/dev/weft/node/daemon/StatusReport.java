package dev.weft.node.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.dataplane.Dataplane;
import dev.weft.dataplane.DataplaneSettings.InterfaceAddress;
import dev.weft.dataplane.udp.UdpCounters;
import dev.weft.dataplane.wireguard.DeviceCounters;
import dev.weft.dataplane.wireguard.PeerStatus;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.sessions.SessionEvents;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * The JSON that {@code weft status --json} prints: the interface and, per peer, public key,
 * endpoint and path (direct or relay), last handshake (RFC 3339 or null), byte counts and
 * rejected-packet counters.
 */
final class StatusReport {
    private StatusReport() {
    }

    static ObjectNode of(String name, Dataplane dataplane, List<InterfaceAddress> addresses) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("name", name);
        root.put("interface", dataplane.interfaceName());
        root.put("public_key", Base64.getEncoder().encodeToString(dataplane.device().publicKey()));
        root.put("listen_port", dataplane.listenPort());
        // in use: asked for (tun.offloads, tun.gro, listen.gso, listen.gro), granted by the kernel and not refused since
        ObjectNode offloads = root.putObject("offloads");
        offloads.put("tun_tso_uso", dataplane.tunOffloads());
        offloads.put("tun_gro", dataplane.tunGro());
        offloads.put("udp_gso", dataplane.udp().gso());
        offloads.put("udp_gro", dataplane.udp().gro());
        // lanes, warming_up, cold (waiting for bulk traffic) or scalar: WireGuardDevice.poly1305
        root.putObject("crypto").put("poly1305", dataplane.device().poly1305());
        ArrayNode addrs = root.putArray("addresses");
        for (InterfaceAddress a : addresses) {
            addrs.add(address(a.address()) + "/" + a.prefixLength());
        }
        DeviceCounters dc = dataplane.device().counters();
        root.put("rejected_unknown_peer", dc.unknownPeer());
        root.put("rejected_bad_mac1", dc.badMac());
        root.put("rejected_malformed", dc.malformed());
        root.put("rejected_handshake_replay", dc.handshakeReplays());
        root.put("cookies_sent", dc.cookiesSent());
        root.put("no_route", dc.noRoute());
        root.put("staged_dropped", dc.stagedDropped());
        UdpCounters uc = dataplane.udpCounters();
        root.put("udp_dropped_unknown_type", uc.dropped());
        root.put("udp_dropped_outbound", uc.droppedOutbound());
        ArrayNode peers = root.putArray("peers");
        for (PeerStatus p : dataplane.device().peers()) {
            ObjectNode o = peers.addObject();
            o.put("public_key", p.publicKeyBase64());
            o.put("endpoint", endpoint(p.endpoint()));
            // From the endpoint itself, not from events about it: two threads move it (roaming, path selection).
            String path = SessionEvents.path(p.endpointValue());
            o.put("path", path == null ? "direct" : path); // no endpoint yet: a static peer's is direct too
            ArrayNode allowed = o.putArray("allowed_ips");
            for (IpPrefix prefix : p.allowedIps()) {
                allowed.add(prefix.toString());
            }
            o.put("last_handshake", p.lastHandshake() == null ? null
                    : DateTimeFormatter.ISO_INSTANT.format(p.lastHandshake()));
            o.put("rx_bytes", p.rxBytes());
            o.put("tx_bytes", p.txBytes());
            o.put("rejected_replay", p.rejectedReplay());
            o.put("rejected_bad_mac", p.rejectedBadMac());
            o.put("rejected_other", p.rejectedOther());
            o.put("persistent_keepalive", p.persistentKeepaliveSeconds());
        }
        return root;
    }

    /** The usual text form: IPv6 compressed ({@code fd00:77::1}), IPv4 dotted. */
    static String address(InetAddress ip) {
        return dev.weft.ip.IpAddresses.text(ip);
    }

    static String endpoint(InetSocketAddress a) {
        if (a == null) {
            return null;
        }
        String host = address(a.getAddress());
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}

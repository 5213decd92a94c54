package dev.weft.node.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.List;

/**
 * The YAML file as Jackson reads it: one record per section, each component one key
 * (snake_case in the file). Only the shape is checked here (types, unknown keys); values are
 * checked by {@link ConfigReader}, which knows each key's path. An absent key or section is null.
 */
record ConfigFile(Pki pki, Listen listen, Tun tun, Admin admin, Wireguard wireguard, Lighthouse lighthouse,
                  List<String> advertiseAddrs, String stateDir, Relay relay, Routes routes, Dns dns, Metrics metrics,
                  Logging logging) {

    /** {@code pki}: trust, identity and revocation files. */
    record Pki(@JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> ca,
               String cert, String key, List<String> revocations, String blocklist) {
    }

    /** {@code listen}: the node's one UDP socket. */
    record Listen(Integer port, Boolean gso, Boolean gro) {
    }

    /** {@code tun}: the overlay interface. */
    record Tun(String dev, Integer mtu, Boolean offloads, Boolean gro) {
    }

    /** {@code admin}: the local control socket. */
    record Admin(String socket) {
    }

    /** {@code wireguard}: static peers beside the mesh. */
    record Wireguard(List<Peer> peers) {
    }

    /** One of {@code wireguard.peers}. */
    record Peer(String publicKey, String endpoint,
                @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> allowedIps,
                Integer persistentKeepalive, String presharedKey) {
    }

    /** {@code lighthouse}: whether this node is one, and where the others are. */
    record Lighthouse(Boolean amLighthouse, List<String> hosts) {
    }

    /** {@code routes}: advertised subnets, and which to install ({@code accept}: a boolean or a list). */
    record Routes(List<String> advertise, Object accept, String exitNode) {
    }

    /** {@code dns}: the embedded DNS server (records are maps checked by the DNS layer's parser). */
    record Dns(Boolean enabled, String domain, List<String> listen, List<String> upstreams,
               java.util.Map<String, List<String>> forward, List<Object> records, Integer ttl, Boolean configureHost) {
    }

    /** {@code relay}: whether this node relays for others, and whether it uses relays. */
    record Relay(Boolean amRelay, Boolean useRelays) {
    }

    /** {@code metrics}: the Prometheus endpoint. */
    record Metrics(String listen) {
    }

    /** {@code logging}: level and format. */
    record Logging(String level, String format) {
    }
}

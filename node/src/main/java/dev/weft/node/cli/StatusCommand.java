package dev.weft.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code weft status [--json] [--dev NAME | --socket PATH]}: a running node's interface and peers. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a running node's interface, peers, handshakes and counters.")
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON (one object, peers in 'peers').")
    boolean json;

    @ArgGroup(exclusive = true)
    AdminTarget target;

    @Override
    public Integer call() {
        return AdminTarget.print(spec, "status", target, "status", json, (reply, out) -> printHuman(reply, out, Instant.now()));
    }

    /** How the transport MAC runs, in words, from {@code crypto.poly1305} of the JSON. */
    static String poly1305(String state) {
        return switch (state) {
            case "lanes" -> "vector lanes";
            case "warming_up" -> "scalar (the vector lanes are warming up)";
            case "cold" -> "scalar (vector lanes once bulk traffic flows)";
            default -> state;
        };
    }

    /** The offloads in use by the names of the config keys' features ("TUN TSO/USO, UDP GSO"), or "none". */
    static String offloads(JsonNode o) {
        List<String> on = new ArrayList<>();
        if (o.path("tun_tso_uso").asBoolean()) {
            on.add("TUN TSO/USO");
        }
        if (o.path("tun_gro").asBoolean()) {
            on.add("TUN GRO");
        }
        if (o.path("udp_gso").asBoolean()) {
            on.add("UDP GSO");
        }
        if (o.path("udp_gro").asBoolean()) {
            on.add("UDP GRO");
        }
        return on.isEmpty() ? "none" : String.join(", ", on);
    }

    static void printHuman(JsonNode s, PrintWriter out, Instant now) {
        out.println("interface: " + s.path("interface").asText() + " (" + s.path("name").asText() + ")");
        out.println("  public key: " + s.path("public_key").asText());
        out.println("  listening port: " + s.path("listen_port").asInt());
        if (s.path("offloads").isObject()) {
            out.println("  offloads: " + offloads(s.path("offloads")));
        }
        if (s.path("crypto").path("poly1305").isTextual()) {
            out.println("  poly1305: " + poly1305(s.path("crypto").path("poly1305").asText()));
        }
        out.println("  addresses: " + String.join(", ", texts(s.path("addresses"))));
        out.println("  rejected: " + s.path("rejected_unknown_peer").asLong() + " unknown peer, "
                + s.path("rejected_bad_mac1").asLong() + " bad mac1, " + s.path("rejected_malformed").asLong() + " malformed");
        for (JsonNode p : s.path("peers")) {
            out.println();
            out.println("peer: " + p.path("public_key").asText()
                    + (p.path("name").isTextual() ? " (" + p.path("name").asText() + ", " + path(p) + ")" : ""));
            out.println("  endpoint: " + (p.path("endpoint").isNull() ? "(none)" : p.path("endpoint").asText()));
            out.println("  allowed ips: " + String.join(", ", texts(p.path("allowed_ips"))));
            String hs = p.path("last_handshake").isNull() ? "never" : p.path("last_handshake").asText()
                    + " (" + ago(Instant.parse(p.path("last_handshake").asText()), now) + ")";
            out.println("  latest handshake: " + hs);
            out.println("  transfer: " + bytes(p.path("rx_bytes").asLong()) + " received, "
                    + bytes(p.path("tx_bytes").asLong()) + " sent");
            out.println("  rejected: " + p.path("rejected_replay").asLong() + " replay, "
                    + p.path("rejected_bad_mac").asLong() + " bad mac, " + p.path("rejected_other").asLong() + " other");
            if (p.path("persistent_keepalive").asInt() > 0) {
                out.println("  persistent keepalive: every " + p.path("persistent_keepalive").asInt() + " seconds");
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String ago(Instant then, Instant now) {
        long s = Math.max(0, Duration.between(then, now).toSeconds());
        return s < 120 ? s + " seconds ago" : (s / 60) + " minutes ago";
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** "direct", "relay via lh1", with the round trip when known and "punching" while an attempt runs. */
    private static String path(JsonNode p) {
        StringBuilder b = new StringBuilder(p.path("path").asText());
        if (p.path("via").isTextual()) {
            b.append(" via ").append(p.path("via").asText());
        }
        if (p.path("rtt_ms").isNumber()) {
            b.append(String.format(java.util.Locale.ROOT, ", %.2f ms", p.path("rtt_ms").asDouble()));
        }
        if (p.path("punching").asBoolean()) {
            b.append(", punching");
        }
        return b.toString();
    }
}

package dev.weft.chaos.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import dev.weft.node.admin.AdminClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * weft on a {@link NatLab}: lh1 and lh2 are lighthouses and relays ({@code relay: {am_relay: true}}), every
 * site a node that registers with both and may use relays. Only the user-facing contract is used: the config
 * file, {@code weft status}/{@code weft ping} (as JSON, over the admin socket or through the CLI).
 */
final class NatMesh {
    private static final Duration UP = Duration.ofSeconds(120);

    /** One weft node: overlay 100.64.0.{@code index}. */
    record Node(String name, Host host, String dev, Path config, InetAddress overlay, LabProcess process) {
        Path socket() {
            return Path.of("/run/weft", dev + ".sock");
        }

        String upLine() {
            return "weft node: " + dev + " up";
        }
    }

    /** What {@code weft status} says about one peer. */
    record PeerPath(String path, String via, String endpoint) {
        boolean direct() {
            return "direct".equals(path);
        }

        boolean relayed() {
            return "relay".equals(path);
        }
    }

    final NatLab net;
    final Pki pki;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final Map<String, String> environment;

    NatMesh(NatLab net, Pki pki, Map<String, String> environment) {
        this.net = net;
        this.pki = pki;
        this.environment = environment;
    }

    static String lighthouses(NatLab net) {
        return "[\"" + net.lh1.ipv4().getHostAddress() + ":4242\", \"" + net.lh2.ipv4().getHostAddress() + ":4242\"]";
    }

    /** Signs and writes the configs of lh1, lh2 and every site (no process started). */
    void prepare() throws IOException {
        prepare("lh1", net.lh1, "lighthouse: {am_lighthouse: true, hosts: [\"" + net.lh2.ipv4().getHostAddress()
                + ":4242\"]}\nrelay: {am_relay: true}\n");
        prepare("lh2", net.lh2, "lighthouse: {am_lighthouse: true, hosts: [\"" + net.lh1.ipv4().getHostAddress()
                + ":4242\"]}\nrelay: {am_relay: true}\n");
        for (NatLab.Site s : net.sites()) {
            prepare(s.name(), s.host(), "lighthouse: {hosts: " + lighthouses(net) + "}\nrelay: {use_relays: true}\n");
        }
    }

    /** A node whose config is {@code yaml} beside pki, tun and state_dir; its certificate comes from {@code pki}. */
    Node prepare(String name, Host host, String yaml) throws IOException {
        return prepare(name, host, yaml, pki);
    }

    /** As {@link #prepare(String, Host, String)}, certified by {@code ca} (another CA makes an outsider). */
    Node prepare(String name, Host host, String yaml, Pki ca) throws IOException {
        int i = index.computeIfAbsent(name, k -> index.size() + 1);
        String v4 = "100.64.0." + i;
        ca.node(name, v4 + "/10,fd00:77::" + i + "/48");
        String dev = net.lab.interfaceName("m");
        Path state = Files.createDirectories(host.dir().resolve("state-" + name));
        Path config = ca.config(name, "tun: {dev: " + dev + "}\nstate_dir: " + state + "\n" + yaml);
        Node n = new Node(name, host, dev, config, InetAddress.getByName(v4), null);
        nodes.put(name, n);
        return n;
    }

    /** Launches the named nodes at once and waits until every one's interface is up. */
    void start(List<String> names) {
        launch(names);
        for (String name : names) {
            Node n = node(name);
            n.process().awaitOutput(n.upLine(), UP);
        }
    }

    /** Launches the named nodes at once, without waiting. */
    void launch(List<String> names) {
        for (String name : names) {
            Node n = node(name);
            LabProcess p = n.host().start("weft-" + name, Lab.weft("node", "--config", n.config().toString()),
                    environment);
            nodes.put(name, new Node(n.name(), n.host(), n.dev(), n.config(), n.overlay(), p));
        }
    }

    /** Whether the node's interface is up (it said so). */
    boolean isUp(String name) {
        Node n = node(name);
        return n.process() != null && n.process().occurrences(n.upLine()) > 0;
    }

    Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no weft node " + name);
        }
        return n;
    }

    List<Node> running() {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (n.process() != null && n.process().isAlive()) {
                out.add(n);
            }
        }
        return out;
    }

    /** The admin socket's answer to {@code command} (what {@code weft COMMAND --json} prints), or empty. */
    static Optional<JsonNode> admin(Node n, String command) {
        return adminAnswer(n, command).json();
    }

    /** An admin command's answer, or why there is none (for reports: a node too busy to answer is not one that forgot). */
    private record AdminAnswer(Optional<JsonNode> json, String failure) {}

    private static AdminAnswer adminAnswer(Node n, String command) {
        if (!Files.exists(n.socket())) {
            return new AdminAnswer(Optional.empty(), "no admin socket");
        }
        try {
            JsonNode r = AdminClient.request(n.socket(), command);
            return r.has("error") ? new AdminAnswer(Optional.empty(), r.path("error").asText())
                    : new AdminAnswer(Optional.of(r), null);
        } catch (IOException e) {
            return new AdminAnswer(Optional.empty(), e.getMessage());
        }
    }

    /** Whether {@code from} lists {@code to} alive. */
    static boolean seesAlive(Node from, String to) {
        for (JsonNode m : admin(from, "members").map(j -> j.path("members")).orElse(Pki.JSON.createArrayNode())) {
            if (m.path("name").asText().equals(to)) {
                return "alive".equals(m.path("state").asText());
            }
        }
        return false;
    }

    /** The path {@code weft status} on {@code from} reports to the peer named {@code to}, if it has a session. */
    static Optional<PeerPath> path(Node from, String to) {
        for (JsonNode p : admin(from, "status").map(j -> j.path("peers")).orElse(Pki.JSON.createArrayNode())) {
            if (p.path("name").asText().equals(to)) {
                return Optional.of(new PeerPath(p.path("path").asText(null), p.path("via").isNull() ? null
                        : p.path("via").asText(), p.path("endpoint").isNull() ? null : p.path("endpoint").asText()));
            }
        }
        return Optional.empty();
    }

    /**
     * For a failure message: what {@code from}'s status says of its session to {@code to} (path, endpoint,
     * handshake, bytes) and of its traversal (punch rounds, relay requests, offers, refusals).
     */
    static String describe(Node from, String to) {
        AdminAnswer statusAnswer = adminAnswer(from, "status");
        Optional<JsonNode> status = statusAnswer.json();
        if (status.isEmpty()) {
            return from.name() + ": no status (" + statusAnswer.failure() + ")";
        }
        String session = "no session";
        for (JsonNode p : status.get().path("peers")) {
            if (p.path("name").asText().equals(to)) {
                session = "path " + p.path("path").asText() + " via " + p.path("via").asText(null) + " endpoint "
                        + p.path("endpoint").asText(null) + " handshake " + p.path("last_handshake").asText(null)
                        + " rx " + p.path("rx_bytes").asLong() + " tx " + p.path("tx_bytes").asLong();
            }
        }
        AdminAnswer members = adminAnswer(from, "members");
        StringBuilder listed = new StringBuilder();
        boolean listsPeer = false;
        for (JsonNode m : members.json().map(j -> j.path("members")).orElse(Pki.JSON.createArrayNode())) {
            String name = m.path("name").asText();
            listsPeer |= name.equals(to);
            String state = m.path("state").asText();
            listed.append(' ').append(name).append("alive".equals(state) ? "" : "=" + state);
        }
        // Every member it lists (with the state of those not alive), so that one missing from the list shows.
        String membership = members.json().isEmpty() ? " (the member list did not come: " + members.failure() + ")"
                : " (lists" + listed + ")" + (listsPeer ? "" : ", " + to + " not listed at all");
        return from.name() + " -> " + to + ": " + session + "; members alive " + status.get().path("members_alive")
                + membership
                + ", nat mapping " + status.get().path("nat_mapping").asText() + ", traversal "
                + status.get().path("traversal");
    }

    /**
     * {@code weft ping TO --until-direct --json} through the CLI, as a user runs it. Until that flag exists
     * (issue 12), picocli refuses it and this falls back to {@code weft ping TO --json}; the answer says which.
     */
    static CliPing cliPing(Node from, String to) {
        ExecResult r = from.host().exec(Lab.weft("ping", to, "--until-direct", "--json", "--dev", from.dev()),
                Duration.ofSeconds(60));
        boolean untilDirect = !(r.exitCode() == 2 && r.stderr().contains("--until-direct"));
        if (!untilDirect) {
            r = from.host().exec(Lab.weft("ping", to, "--json", "--dev", from.dev()), Duration.ofSeconds(60));
        }
        JsonNode last = null;
        try {
            for (JsonNode p : Pki.JSON.readTree(r.stdout()).path("pings")) {
                last = p;
            }
        } catch (IOException e) {
            // reported below as no answer
        }
        return new CliPing(untilDirect, r.exitCode(), last, r.stdout() + r.stderr());
    }

    /** One CLI ping's outcome: whether {@code --until-direct} was understood, and the last answer. */
    record CliPing(boolean untilDirectSupported, int exitCode, JsonNode last, String output) {
        String path() {
            return last == null ? null : last.path("path").asText(null);
        }
    }
}

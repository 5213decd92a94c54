package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.node.admin.AdminClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Real {@code weft node} processes forming a mesh in the lab: starting them and asking them what they see. */
final class MeshLab {
    /** One node of the mesh: member {@code i} has overlay 100.64.0.i and fd00:77::i. */
    record Member(String name, Host host, String dev, WeftProcess process, InetAddress v4, InetAddress v6) {}

    final Lab lab;
    final Pki pki;
    final List<Member> members = new ArrayList<>();

    MeshLab(Lab lab, Pki pki) {
        this.lab = lab;
        this.pki = pki;
    }

    /** The YAML that makes a node register with {@code lighthouse}. */
    static String registersWith(Host lighthouse) {
        return "lighthouse: {hosts: [\"" + lighthouse.ipv4().getHostAddress() + ":4242\"]}\n";
    }

    static final String LIGHTHOUSE = "lighthouse: {am_lighthouse: true}\n";

    Member start(Host host, String name, int i, String extra) throws IOException {
        return start(host, name, i, extra, Map.of());
    }

    Member start(Host host, String name, int i, String extra, Map<String, String> environment) throws IOException {
        return start(host, name, i, extra, environment, null);
    }

    /** A node whose certificate may advertise {@code subnets} (null: none). */
    Member start(Host host, String name, int i, String extra, Map<String, String> environment, String subnets)
            throws IOException {
        String v4 = "100.64.0." + i;
        String v6 = "fd00:77::" + i;
        if (subnets == null) {
            pki.node(name, v4 + "/10," + v6 + "/48");
        } else {
            pki.node(name, v4 + "/10," + v6 + "/48", subnets);
        }
        String dev = lab.interfaceName("m");
        Path state = Files.createDirectories(host.dir().resolve("state-" + name));
        Path config = pki.config(name, "tun: {dev: " + dev + "}\nstate_dir: " + state + "\n" + extra);
        WeftProcess p = WeftProcess.start(host, dev, config, environment);
        Member m = new Member(name, host, dev, p, InetAddress.getByName(v4), InetAddress.getByName(v6));
        members.add(m);
        return m;
    }

    static JsonNode json(Member m, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.add("--dev");
        args.add(m.dev());
        ExecResult r = m.host().exec(Lab.weft(args.toArray(String[]::new)), Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), "weft " + args + ": " + r.stderr());
        try {
            return Pki.JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new AssertionError("no JSON from weft " + args + ": " + r.stdout(), e);
        }
    }

    /**
     * What the node answers on its admin socket, asked from this JVM: the same JSON as
     * {@code weft COMMAND --json} prints, without starting a JVM per question (polls stay fast).
     */
    static JsonNode admin(Member m, String command) {
        try {
            JsonNode reply = AdminClient.request(Path.of("/run/weft", m.dev() + ".sock"), command);
            if (reply.has("error")) {
                throw new AssertionError(m.name() + " refused " + command + ": " + reply.get("error").asText());
            }
            return reply;
        } catch (IOException e) {
            throw new AssertionError(m.name() + ": " + e.getMessage(), e);
        }
    }

    /** Member name → state, as {@code m} lists them (itself left out). */
    static Map<String, String> states(Member m) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode n : admin(m, "members").path("members")) {
            if (!n.path("self").asBoolean()) {
                out.put(n.path("name").asText(), n.path("state").asText());
            }
        }
        return out;
    }

    static long aliveSeenBy(Member m) {
        return states(m).values().stream().filter("alive"::equals).count();
    }

    static String stateSeenBy(Member m, String name) {
        return states(m).get(name);
    }

    void await(BooleanSupplier condition, Duration deadline, String what) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        StringBuilder b = new StringBuilder();
        for (Member m : members) {
            try {
                b.append("\n").append(m.name()).append(" sees ").append(states(m));
                b.append("\n  control: ").append(admin(m, "status").path("control"));
            } catch (AssertionError e) {
                b.append("\n").append(m.name()).append(": ").append(e.getMessage());
            }
            b.append("\n  log: ").append(m.process().process.tail(5).replace("\n", "\n  "));
        }
        assertTrue(condition.getAsBoolean(), what + " within " + deadline.toSeconds() + " s" + b);
    }
}

package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Segment;
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
import org.junit.jupiter.api.Test;

/**
 * The mesh with real {@code weft node} processes: a lighthouse and five nodes on one lab segment,
 * no peer configured anywhere, only the lighthouse's address. Members find each other by gossip,
 * reach each other by overlay IP through sessions started on demand, detect a SIGKILLed node,
 * and end a revoked one.
 */
@RequiresLab
class MeshE2eTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private record Member(String name, Host host, String dev, WeftProcess process, InetAddress v4, InetAddress v6) {}

    private final List<Member> members = new ArrayList<>();

    @Test
    void aLighthouseAndFiveNodesFindEachOtherConnectOnDemandAndLoseADeadOrRevokedOne(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Pki pki = Pki.create(Files.createDirectories(lhHost.dir().resolve("pki")));
        String lhAddress = lhHost.ipv4().getHostAddress() + ":4242";
        members.add(start(lab, pki, lhHost, "lh", 1, "lighthouse: {am_lighthouse: true}\n"));
        for (int i = 2; i <= 6; i++) {
            Host h = lab.host("n" + i, net);
            members.add(start(lab, pki, h, "n" + i, i, "lighthouse: {hosts: [\"" + lhAddress + "\"]}\n"));
        }

        await(() -> members.stream().allMatch(m -> aliveSeenBy(m) == 5), DEADLINE, "every node lists every other alive");

        for (Member from : members) {
            for (Member to : members) {
                if (from != to) {
                    from.host.ping(to.v4, DEADLINE);
                    from.host.ping(to.v6, DEADLINE);
                }
            }
        }
        JsonNode pong = json(members.get(1), "ping", "n4", "--json").path("pings").get(0);
        assertEquals("n4", pong.path("name").asText());
        assertEquals("direct", pong.path("path").asText());
        assertEquals(members.get(3).host.ipv4().getHostAddress() + ":4242", pong.path("endpoint").asText());
        JsonNode peers = json(members.get(1), "status", "--json").path("peers");
        assertEquals(5, peers.size(), "sessions to every member it pinged: " + peers);
        for (JsonNode p : peers) {
            assertEquals("direct", p.path("path").asText(), p.toString());
            assertFalse(p.path("name").isNull(), p.toString());
        }

        Member victim = members.get(5);
        victim.process.process.kill(); // SIGKILL: no leave
        long killed = System.nanoTime();
        await(() -> members.stream().filter(m -> m != victim).allMatch(m -> "dead".equals(stateSeenBy(m, victim.name))),
                Duration.ofSeconds(15), "a node killed with SIGKILL is dead everywhere within 15 s");
        System.err.printf("crash known everywhere after %.1f s%n", (System.nanoTime() - killed) / 1e9);
        members.remove(victim);

        Member revoked = members.get(4);
        Path revocation = pki.revoke(revoked.name);
        ExecResult r = members.get(1).host.exec(Lab.weft("revoke", "--dev", members.get(1).dev, revocation.toString()),
                Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), r.stderr());
        await(() -> members.stream().filter(m -> m != revoked).allMatch(m -> stateSeenBy(m, revoked.name) == null),
                Duration.ofSeconds(15), "a revocation handed to one node ends the revoked member everywhere");
        assertFalse(revoked.host.canPing(members.get(0).v4, Duration.ofSeconds(3)), "the revoked node has no session left");
        assertTrue(members.get(1).host.canPing(members.get(2).v4, Duration.ofSeconds(5)), "the others still talk");

        for (Member m : members) {
            m.process.stopAndCheckCleanup();
        }
    }

    private Member start(Lab lab, Pki pki, Host host, String name, int i, String extra) throws IOException {
        String v4 = "100.64.0." + i;
        String v6 = "fd00:77::" + i;
        pki.node(name, v4 + "/10," + v6 + "/48");
        String dev = lab.interfaceName("m");
        Path state = Files.createDirectories(host.dir().resolve("state-" + name));
        Path config = pki.config(name, "tun: {dev: " + dev + "}\nstate_dir: " + state + "\n" + extra);
        WeftProcess p = WeftProcess.start(host, dev, config);
        return new Member(name, host, dev, p, InetAddress.getByName(v4), InetAddress.getByName(v6));
    }

    private static JsonNode json(Member m, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.add("--dev");
        args.add(m.dev);
        ExecResult r = m.host.exec(Lab.weft(args.toArray(String[]::new)), Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), "weft " + args + ": " + r.stderr());
        try {
            return Pki.JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new AssertionError("no JSON from weft " + args + ": " + r.stdout(), e);
        }
    }

    private static Map<String, String> states(Member m) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode n : json(m, "members", "--json").path("members")) {
            if (!n.path("self").asBoolean()) {
                out.put(n.path("name").asText(), n.path("state").asText());
            }
        }
        return out;
    }

    private static long aliveSeenBy(Member m) {
        return states(m).values().stream().filter("alive"::equals).count();
    }

    private static String stateSeenBy(Member m, String name) {
        return states(m).get(name);
    }

    private void await(BooleanSupplier condition, Duration deadline, String what) throws InterruptedException {
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
                b.append("\n").append(m.name).append(" sees ").append(states(m));
            } catch (AssertionError e) {
                b.append("\n").append(m.name).append(": ").append(e.getMessage());
            }
            b.append("\n  log: ").append(m.process.process.tail(5).replace("\n", "\n  "));
        }
        assertTrue(condition.getAsBoolean(), what + " within " + deadline.toSeconds() + " s" + b);
    }
}

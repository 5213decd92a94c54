package dev.weft.chaos.e2e;

import static dev.weft.chaos.e2e.MeshLab.aliveSeenBy;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.e2e.MeshLab.Member;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Segment;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Route advertisement with real nodes: a "pod" namespace behind node a (a veth, a's forwarding on)
 * whose subnet a advertises; b reaches the pod with no route of its own configured. A service
 * address that a and c both advertise moves to c when a is killed. A node with
 * {@code routes.accept: false} installs nothing. A node whose certificate lacks the pods' subnet
 * advertises it anyway and gets no traffic, not even once the rightful advertiser is dead.
 */
@RequiresLab
class RoutesE2eTest {
    private static final String PODS = "198.51.100.224/28";
    private static final String SERVICE = "198.51.100.240/28";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void membersReachAPodBehindAnAdvertiserAndFailOverToAStandby(Lab lab) throws Exception {
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Pki pki = Pki.create(Files.createDirectories(lhHost.dir().resolve("pki")), "--subnets", "198.51.100.0/24");
        MeshLab mesh = new MeshLab(lab, pki);
        mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE);
        String advertise = "routes: {advertise: [" + PODS + ", " + SERVICE + "]}\n";
        Member a = mesh.start(lab.host("a", net), "a", 2, MeshLab.registersWith(lhHost) + advertise, Map.of(), "198.51.100.0/24");
        Member c = mesh.start(lab.host("c", net), "c", 3,
                MeshLab.registersWith(lhHost) + "routes: {advertise: [" + SERVICE + "]}\n", Map.of(), "198.51.100.0/24");
        Member b = mesh.start(lab.host("b", net), "b", 4, MeshLab.registersWith(lhHost));
        Member e = mesh.start(lab.host("e", net), "e", 5, MeshLab.registersWith(lhHost) + "routes: {accept: false}\n");
        // A modified node: its certificate has no subnets, it advertises the pods anyway (the start-up
        // check is switched off, as a modified binary would), and holds the pod's address itself.
        Member h = mesh.start(lab.host("h", net), "h", 6, MeshLab.registersWith(lhHost) + "routes: {advertise: [" + PODS + "]}\n",
                Map.of("WEFT_TEST_UNCHECKED_ADVERTISE", "1"));
        h.host().exec("ip", "address", "add", "198.51.100.226/32", "dev", "lo").requireOk();
        mesh.await(() -> mesh.members.stream().allMatch(m -> aliveSeenBy(m) == 5), DEADLINE, "the mesh forms");

        // The pod: a namespace behind a, reached through a veth; a forwards.
        Host pod = lab.host("pod", lab.segment("pods"));
        a.host().exec("sysctl", "-qw", "net.ipv4.ip_forward=1").requireOk();
        a.host().exec("ip", "link", "add", "vpod", "type", "veth", "peer", "name", "vpod0", "netns", pod.netns()).requireOk();
        a.host().exec("ip", "address", "add", "198.51.100.225/28", "dev", "vpod").requireOk();
        a.host().exec("ip", "link", "set", "vpod", "up").requireOk();
        pod.exec("ip", "address", "add", "198.51.100.226/28", "dev", "vpod0").requireOk();
        pod.exec("ip", "link", "set", "vpod0", "up").requireOk();
        pod.exec("ip", "route", "add", "100.64.0.0/10", "via", "198.51.100.225").requireOk();
        // The service address, on a and on c.
        a.host().exec("ip", "address", "add", "198.51.100.241/32", "dev", "lo").requireOk();
        c.host().exec("ip", "address", "add", "198.51.100.241/32", "dev", "lo").requireOk();

        InetAddress podIp = InetAddress.getByName("198.51.100.226");
        InetAddress service = InetAddress.getByName("198.51.100.241");
        mesh.await(() -> installed(b, PODS, "a") && installed(b, SERVICE, "a"), DEADLINE, "b installs a's routes");
        b.host().ping(podIp, DEADLINE);
        b.host().ping(service, DEADLINE);
        assertTrue(b.host().exec("ip", "route", "show", PODS).requireOk().stdout().contains("dev " + b.dev()),
                "a kernel route through the overlay interface");
        JsonNode routes = MeshLab.json(b, "routes", "--json").path("routes");
        assertTrue(routes.toString().contains("\"standby\""), "c stands by for the service: " + routes);
        assertTrue(refused(b, PODS, "h"), "the hijacker's advertisement is refused: " + routes);

        assertFalse(e.host().exec("ip", "route", "show", PODS).requireOk().stdout().contains(PODS.split("/")[0]),
                "routes.accept: false installs nothing");
        assertFalse(e.host().canPing(podIp, Duration.ofSeconds(3)));

        a.process().process.kill();
        long killed = System.nanoTime();
        mesh.await(() -> installed(b, SERVICE, "c"), Duration.ofSeconds(20), "c takes the service over when a dies");
        b.host().ping(service, DEADLINE);
        System.err.printf("service reachable through the standby %.1f s after the advertiser was killed%n",
                (System.nanoTime() - killed) / 1e9);
        // The pods' only rightful advertiser is dead: the route goes, and nothing reaches the hijacker.
        mesh.await(() -> !b.host().exec("ip", "route", "show", PODS).requireOk().stdout().contains(PODS.split("/")[0]),
                DEADLINE, "b removes the dead advertiser's route");
        assertTrue(refused(b, PODS, "h"), "still refused with a gone");
        assertFalse(b.host().canPing(podIp, Duration.ofSeconds(3)), "the hijacker gets no traffic for the pods");
        mesh.members.remove(a);
        for (Member m : mesh.members) {
            m.process().stopAndCheckCleanup();
        }
    }

    private static boolean refused(Member m, String prefix, String via) {
        for (JsonNode r : MeshLab.admin(m, "routes").path("routes")) {
            if (r.path("prefix").asText().equals(prefix) && r.path("via").asText().equals(via)
                    && r.path("state").asText().equals("refused") && r.path("reason").asText().contains("certificate")) {
                return true;
            }
        }
        return false;
    }

    private static boolean installed(Member m, String prefix, String via) {
        for (JsonNode r : MeshLab.admin(m, "routes").path("routes")) {
            if (r.path("prefix").asText().equals(prefix) && r.path("via").asText().equals(via)
                    && r.path("state").asText().equals("installed")) {
                return true;
            }
        }
        return false;
    }
}

package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import static dev.weft.chaos.e2e.Issue12.enforced;
import static dev.weft.chaos.e2e.Issue12.needs;

import dev.weft.chaos.e2e.Issue12.Feature;
import dev.weft.chaos.e2e.NatLab.Pair;
import dev.weft.chaos.e2e.NatMesh.Node;
import dev.weft.chaos.e2e.NatMesh.PeerPath;
import dev.weft.chaos.lab.ExecResult;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import dev.weft.chaos.lab.Nat;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Router;
import dev.weft.chaos.lab.StreamResult;
import dev.weft.chaos.lab.Wire;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Issue 12 end to end: real {@code weft node} processes behind real Linux NATs ({@link NatLab}), one lab for
 * the whole class. Every pair of site kinds: the first ping is answered (its time is printed; the 1 s target is
 * a benchmark figure, {@code scripts/bench-nat}, not an assertion that a loaded machine would break), and the path ends direct
 * (relayed for symmetric to symmetric), judged by {@code weft status} on both ends and by big packets counted
 * on the internet between the two sites. Then a hashed TCP stream across path changes, NAT reboots and
 * mapping timeouts, a relay killed under two nodes, and an outsider refused by the relays.
 *
 * <p>Each check names the {@link Feature}s it needs; see {@link Issue12} for which are skipped until they land.
 */
@RequiresLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NatTraversalE2eTest {
    private static final Duration DIRECT_EASY = Duration.ofSeconds(20);
    private static final Duration DIRECT_BIRTHDAY = Duration.ofSeconds(40);
    private static final int PINGS = 10;
    /** How long the first ping waits: ample for a session's set-up on a loaded machine (unloaded: well under 1 s). */
    private static final int FIRST_PING_WAIT_SECONDS = 5;

    private Lab lab;
    private NatLab net;
    private NatMesh mesh;
    private final Map<Pair, Optional<Double>> firstPings = new ConcurrentHashMap<>();
    /** What both ends said right after a first ping went unanswered. */
    private final Map<Pair, String> missed = new ConcurrentHashMap<>();

    @RegisterExtension
    final TestExecutionExceptionHandler report = (context, failure) -> {
        if (lab != null) {
            System.err.println("=== lab report for " + context.getDisplayName() + "\n" + lab + lab.processLogs(40));
        }
        throw failure;
    };

    @BeforeAll
    void buildTheLabAndStartEveryNode() throws Exception {
        lab = Lab.create();
        try {
            net = NatLab.build(lab);
            Pki pki = Pki.create(Files.createDirectories(net.lh1.dir().resolve("pki")));
            // C1 only: twelve JVMs share two cores, and these tests measure paths, not weft's peak speed.
            mesh = new NatMesh(net, pki, Map.of("WEFT_JAVA_OPTS", "-Xmx64m -XX:+TieredCompilation -XX:TieredStopAtLevel=1"));
            mesh.prepare();
            mesh.start(List.of("lh1", "lh2"));
            mesh.start(net.sites().stream().map(NatLab.Site::name).toList());
            // Every node must know both lighthouses; a pair's members knowing each other is the pair's own check
            // (across two NATs gossip may not reach), so the set-up waits for it but does not fail on it.
            for (NatLab.Site site : net.sites()) {
                await(() -> NatMesh.seesAlive(node(site), "lh1") && NatMesh.seesAlive(node(site), "lh2"),
                        Duration.ofSeconds(60), site.name() + " lists both lighthouses alive");
            }
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < end && !net.pairs().stream().allMatch(this::knowEachOther)) {
                sleep(250);
            }
        } catch (Exception | AssertionError e) {
            // The per-test report handler does not see a failed set-up.
            System.err.println("=== lab report for the set-up\n" + lab + lab.processLogs(40));
            throw e;
        }
    }

    @AfterAll
    void closeTheLab() {
        if (lab != null) {
            lab.close();
        }
    }

    // ------------------------------------------------------------------ every node

    /**
     * {@code weft members} on every node lists every node of the mesh soon after they all started
     * at once. Each joined through a lighthouse that knew only those before it; the rest come by
     * gossip and by the push-pull with a lighthouse every 10 s (a random partner behind another NAT
     * never answers). Without that push-pull eim1 did not list pub2 when the first pings started.
     * Only admin calls: no session opens before the first pings below.
     */
    @Test
    @Order(0)
    void everyNodeListsEveryNodeSoonAfterAllStartedAtOnce() {
        List<String> all = new java.util.ArrayList<>(List.of("lh1", "lh2"));
        net.sites().forEach(site -> all.add(site.name()));
        for (String name : all) {
            Node n = mesh.node(name);
            await(() -> listed(n).containsAll(all), Duration.ofSeconds(20),
                    name + " lists every node (it lists " + listed(n) + ")");
        }
    }

    private static java.util.Set<String> listed(Node n) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        NatMesh.admin(n, "members").ifPresent(j -> j.path("members").forEach(m -> names.add(m.path("name").asText())));
        return names;
    }

    // ------------------------------------------------------------------ every pair

    @TestFactory
    @Order(1)
    Stream<DynamicTest> theFirstPingOfEveryPairIsAnswered() {
        // All pairs at once: each pair's sites have never talked, so each first ping opens a new session.
        NatLab.atOnce(net.pairs(), p -> firstPings.put(p, firstPing(p)));
        net.pairs().forEach(p -> System.err.println("nat: first ping " + p.label() + ": "
                + firstPings.get(p).map(ms -> ms + " ms").orElse("no answer within " + FIRST_PING_WAIT_SECONDS + " s")));
        return net.pairs().stream().map(p -> DynamicTest.dynamicTest(p.label(), () -> {
            // Two public nodes or a shared LAN: reachable at once. A public node reaches a NAT's node only by
            // probing all its candidates while the NAT side probes back; NAT to NAT needs a relay at first.
            needs(reachableToday(p) ? EnumSet.noneOf(Feature.class)
                    : onePublic(p) ? EnumSet.of(Feature.PUNCHING) : EnumSet.of(Feature.RELAY));
            assertTrue(firstPings.get(p).isPresent(), () -> p.label() + ": the first ping (ping -c 1 -W "
                    + FIRST_PING_WAIT_SECONDS + ") got no answer"
                    + (knowEachOther(p) ? "" : "; the two do not both list each other alive (or a member list did not come: see below)") + "; right after it: "
                    + missed.get(p));
        }));
    }

    private boolean knowEachOther(Pair p) {
        return NatMesh.seesAlive(node(p.a()), p.b().name()) && NatMesh.seesAlive(node(p.b()), p.a().name());
    }

    private Optional<Double> firstPing(Pair p) {
        ExecResult r = p.a().host().exec(List.of("ping", "-n", "-c", "1", "-W", String.valueOf(FIRST_PING_WAIT_SECONDS),
                node(p.b()).overlay().getHostAddress()), Duration.ofSeconds(15));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("time=([0-9.]+) ms").matcher(r.stdout());
        if (r.ok() && m.find()) {
            return Optional.of(Double.parseDouble(m.group(1)));
        }
        missed.put(p, NatMesh.describe(node(p.a()), p.b().name()) + "; " + NatMesh.describe(node(p.b()), p.a().name()));
        return Optional.empty();
    }

    /** What one pair's path came to. */
    private record Verdict(Pair pair, Optional<PeerPath> fromA, Optional<PeerPath> fromB, Double seconds,
                           Wire.Count direct, Wire.Count relayA, Wire.Count relayB, int replies,
                           NatMesh.CliPing cli, String atDeadline) {
        @Override
        public String toString() {
            return pair.label() + ": status " + fromA.map(Object::toString).orElse("no session") + " / "
                    + fromB.map(Object::toString).orElse("no session") + (seconds == null ? ", never as expected"
                    : ", as expected after %.1f s".formatted(seconds)) + "; " + PINGS + " big pings, " + replies
                    + " answered; on the wire between the sites " + direct + ", a<->relay " + relayA
                    + ", b<->relay " + relayB + "; weft ping: " + (cli == null ? "-" : cli.path() + " (exit "
                    + cli.exitCode() + (cli.untilDirectSupported() ? ", --until-direct" : ", no --until-direct yet")
                    + ")") + (seconds == null ? "; at the deadline " + atDeadline : "");
        }
    }

    @TestFactory
    @Order(2)
    Stream<DynamicTest> everyPairEndsDirectButSymmetricToSymmetricWhichEndsRelayed() {
        Map<Pair, Verdict> verdicts = new ConcurrentHashMap<>();
        // A skipped pair is not worth its 20-40 s of waiting.
        NatLab.atOnce(net.pairs().stream().filter(p -> enforced(features(p))).toList(), p -> verdicts.put(p, settle(p)));
        verdicts.values().forEach(v -> System.err.println("nat: " + v));
        return net.pairs().stream().map(p -> DynamicTest.dynamicTest(p.label(), () -> {
            Verdict v = verdicts.get(p);
            needs(features(p));
            assertEquals(PINGS, v.replies(), "every big ping answered: " + v);
            if (p.endsDirect()) {
                assertTrue(v.fromA().map(PeerPath::direct).orElse(false) && v.fromB().map(PeerPath::direct)
                        .orElse(false), "weft status says direct on both ends: " + v);
                assertTrue(v.direct().bigBothWays() >= PINGS, "the pings crossed the wire between the sites: " + v);
                if (v.cli().untilDirectSupported()) {
                    assertEquals(0, v.cli().exitCode(), v.cli().output());
                    assertEquals("direct", v.cli().path(), "weft ping --until-direct: " + v.cli().output());
                }
            } else {
                assertTrue(v.fromA().map(PeerPath::relayed).orElse(false) && v.fromB().map(PeerPath::relayed)
                        .orElse(false), "weft status says relay on both ends: " + v);
                assertNotNull(v.fromA().get().via(), "status names the relay: " + v);
                assertTrue(v.direct().bigBothWays() < 3, "no data between the sites directly: " + v);
                assertTrue(v.relayA().total() >= PINGS && v.relayB().total() >= PINGS,
                        "the pings went through a relay: " + v);
            }
        }));
    }

    /** What a pair needs to end on its right path. */
    private static Set<Feature> features(Pair p) {
        if (reachableToday(p)) {
            return EnumSet.noneOf(Feature.class);
        }
        if (onePublic(p)) {
            return EnumSet.of(Feature.PUNCHING); // the public side must probe every candidate, the NAT side back
        }
        if (!p.endsDirect()) {
            return EnumSet.of(Feature.RELAY, Feature.PATHS);
        }
        return p.birthday() ? EnumSet.of(Feature.PUNCHING, Feature.BIRTHDAY) : EnumSet.of(Feature.PUNCHING);
    }

    /** Two public nodes, or two on one LAN (LAN addresses are published candidates already). */
    private static boolean reachableToday(Pair p) {
        return p.a().kind() == NatLab.Kind.PUBLIC && p.b().kind() == NatLab.Kind.PUBLIC
                || p.a().kind() == NatLab.Kind.SAME_LAN && p.b().kind() == NatLab.Kind.SAME_LAN;
    }

    private static boolean onePublic(Pair p) {
        return p.a().kind() == NatLab.Kind.PUBLIC || p.b().kind() == NatLab.Kind.PUBLIC;
    }

    /** Keeps traffic flowing until both ends report the expected path (or time is up), then measures the wire. */
    private Verdict settle(Pair p) {
        Node a = node(p.a());
        Node b = node(p.b());
        Duration deadline = p.birthday() ? DIRECT_BIRTHDAY : DIRECT_EASY;
        String expected = p.endsDirect() ? "direct" : "relay";
        long start = System.nanoTime();
        Double seconds = null;
        // Traffic while it settles (sessions are on demand): 5 pings a second, with a 1 s deadline each.
        LabProcess traffic = p.a().host().start("traffic-" + p.a().name() + "-" + p.b().name(), "ping", "-n", "-q",
                "-i", "0.2", "-w", String.valueOf(deadline.toSeconds()), b.overlay().getHostAddress());
        try {
            while (System.nanoTime() - start < deadline.toNanos()) {
                if (NatMesh.path(a, b.name()).map(x -> expected.equals(x.path())).orElse(false)
                        && NatMesh.path(b, a.name()).map(x -> expected.equals(x.path())).orElse(false)) {
                    seconds = (System.nanoTime() - start) / 1e9;
                    break;
                }
                sleep(250);
            }
        } finally {
            traffic.kill();
        }
        String atDeadline = seconds != null ? null
                : NatMesh.describe(a, b.name()) + "; " + NatMesh.describe(b, a.name());
        Optional<PeerPath> fromA = NatMesh.path(a, b.name());
        Host relayA = relayOf(fromA);
        Optional<PeerPath> fromB = NatMesh.path(b, a.name());
        Host relayB = relayOf(fromB);
        Wire direct = net.wire(p);
        Wire toRelayA = net.toRelay(p.a(), relayA);
        Wire toRelayB = net.toRelay(p.b(), relayB);
        Wire.Count d0 = direct.count();
        Wire.Count a0 = toRelayA.count();
        Wire.Count b0 = toRelayB.count();
        int replies = bigPings(p.a().host(), b, PINGS);
        Wire.Count d = direct.count().minus(d0);
        Wire.Count ra = toRelayA.count().minus(a0);
        Wire.Count rb = toRelayB.count().minus(b0);
        NatMesh.CliPing cli = NatMesh.cliPing(a, b.name());
        return new Verdict(p, fromA, fromB, seconds, d, ra, rb, replies, cli, atDeadline);
    }

    /** The relay a status names (lh1 when it names none: then its counters are only a bystander's). */
    private Host relayOf(Optional<PeerPath> path) {
        return path.map(PeerPath::via).filter("lh2"::equals).map(x -> net.lh2).orElse(net.lh1);
    }

    /** {@code count} pings of 1200 bytes (big on the wire: {@link Wire#BIG}) 100 ms apart; the replies. */
    private static int bigPings(Host from, Node to, int count) {
        ExecResult r = from.exec(List.of("ping", "-n", "-q", "-c", String.valueOf(count), "-i", "0.1", "-s", "1200",
                "-W", "1", to.overlay().getHostAddress()), Duration.ofSeconds(30));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) received").matcher(r.stdout());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    // ------------------------------------------------------------------ path changes under a TCP stream

    @Test
    @Order(3)
    void aTcpStreamSurvivesRelayToDirectAndFallingBackToTheRelayWhenTheDirectPathIsCut() throws Exception {
        needs(EnumSet.of(Feature.RELAY, Feature.PUNCHING, Feature.PATHS));
        // eim2 and dbl2 have not talked yet. The direct path is cut on the wire first, so the stream must start on
        // a relay whatever the punching speed; healed, the pair must move to direct; cut again, back to the relay.
        Pair p = Pair.of(net.site("eim2"), net.site("dbl2"));
        Node a = node(p.a());
        Node b = node(p.b());
        Wire direct = net.wire(p);
        // 60 MB at 16 Mbit/s: about 30 s, so all three paths carry part of it.
        p.a().host().link().rate(16_000_000);
        List<String> seen = new ArrayList<>();
        direct.cut();
        try {
            CompletableFuture<StreamResult> stream = CompletableFuture.supplyAsync(() ->
                    p.a().host().streamTo(p.b().host(), b.overlay(), 60_000_000, Duration.ofSeconds(150)),
                    r -> Thread.ofPlatform().daemon().start(r));
            awaitPath(a, b, "relay", Duration.ofSeconds(15), seen);
            direct.heal();
            awaitPath(a, b, "direct", DIRECT_EASY, seen);
            direct.cut();
            awaitPath(a, b, "relay", Duration.ofSeconds(15), seen);
            assertFalse(stream.isDone(), "the stream was still running across all three paths " + seen
                    + (stream.isDone() ? ": " + stream.join() : ""));
            StreamResult r = stream.get(180, java.util.concurrent.TimeUnit.SECONDS);
            System.err.println("nat: stream eim2 -> dbl2 across " + seen + ": " + r);
            r.requireIntact();
        } finally {
            direct.heal();
            p.a().host().link().rate(0);
        }
    }

    /** Polls a's status until its path to b is {@code path}; records every path seen, in order, once each. */
    private void awaitPath(Node a, Node b, String path, Duration deadline, List<String> seen) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            String now = NatMesh.path(a, b.name()).map(PeerPath::path).orElse("none");
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
                seen.add(now);
            }
            if (now.equals(path)) {
                return;
            }
            sleep(100);
        }
        fail(a.name() + " -> " + b.name() + " not " + path + " within " + deadline.toSeconds() + " s; paths seen " + seen);
    }

    // ------------------------------------------------------------------ NAT reboots and timeouts

    @TestFactory
    // Last: after a NAT reboot the relays' bindings hold the rebooted side's old mappings until
    // a refresh, which is recovered (checked here) but left the relay-failover check that used to
    // follow it failing in one shared-lab run; see the issue 12 note.
    @Order(7)
    Stream<DynamicTest> aPairRecoversWhenANatForgetsItsMappingsOrLetsThemTimeOut() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String natted : List.of("eim1", "dbl1", "sym1")) {
            tests.add(DynamicTest.dynamicTest("public <-> " + natted + ", its NAT rebooted (conntrack flushed)", () -> {
                // After the reboot the NAT side's next packet gets a new mapping (a new port behind a symmetric
                // NAT), which the public side cannot know: the lighthouse must make the NAT side send
                // (call-me-maybe). Before it, public <-> NAT itself needs every candidate probed.
                needs(EnumSet.of(Feature.PUNCHING));
                Pair p = Pair.of(net.site("pub1"), net.site(natted));
                Node b = node(p.b());
                assertTrue(p.a().host().canPing(b.overlay(), Duration.ofSeconds(10)), p.label() + ": talks before");
                for (Router r : p.b().routers()) {
                    r.forgetConnections(); // a reboot: conntrack flushed, mappings gone
                }
                assertTrue(p.a().host().canPing(b.overlay(), Duration.ofSeconds(15)), p.label()
                        + ": answers again within 15 s after " + natted + "'s NAT forgot its mappings");
                Wire.Count before = net.wire(p).count();
                assertEquals(PINGS, bigPings(p.a().host(), b, PINGS), p.label() + ": every big ping answered");
                assertTrue(net.wire(p).count().minus(before).bigBothWays() >= PINGS, p.label() + ": direct again");
            }));
        }
        tests.add(DynamicTest.dynamicTest("public <-> eim2, its NAT mapping timed out", () -> {
            needs(EnumSet.of(Feature.PUNCHING));
            // Mappings that time out while idle: 2 s instead of 30 s / 120 s on eim2's router.
            Pair p = Pair.of(net.site("pub2"), net.site("eim2"));
            Router gw = p.b().router();
            Node b = node(p.b());
            assertTrue(p.a().host().canPing(b.overlay(), Duration.ofSeconds(10)), p.label() + ": talks before");
            gw.udpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
            try {
                sleep(6_000);
                assertTrue(p.a().host().canPing(b.overlay(), Duration.ofSeconds(15)), p.label()
                        + ": answers again within 15 s after its NAT mapping timed out");
            } finally {
                gw.udpTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(120));
            }
        }));
        return tests.stream();
    }

    // ------------------------------------------------------------------ relays

    @Test
    @Order(4)
    void twoNodesOnARelayReconnectWhenTheRelayIsKilled() {
        needs(EnumSet.of(Feature.RELAY));
        Node a = node(net.site("sym1"));
        Node b = node(net.site("sym2"));
        // The pair's session may be mending a binding the other side let go (see the issue 12 note), which takes
        // a relay timeout (5.5 s) and a new offer: the precondition waits for that; the check below is the test.
        assertTrue(a.host().canPing(b.overlay(), Duration.ofSeconds(20)), "sym1 and sym2 talk (relayed)");
        PeerPath before = NatMesh.path(a, b.name()).orElseThrow();
        assertEquals("relay", before.path(), "symmetric <-> symmetric is relayed: " + before);
        Node relay = mesh.node(before.via());
        relay.process().kill();
        long killed = System.nanoTime();
        try {
            assertTrue(a.host().canPing(b.overlay(), Duration.ofSeconds(20)), "sym1 reaches sym2 again within 20 s"
                    + " after its relay " + relay.name() + " was killed");
            System.err.printf("nat: relay %s killed, sym1 -> sym2 answered again after %.1f s%n", relay.name(),
                    (System.nanoTime() - killed) / 1e9);
            PeerPath after = NatMesh.path(a, b.name()).orElseThrow();
            assertEquals("relay", after.path(), after.toString());
            assertFalse(relay.name().equals(after.via()), "through the other relay: " + after);
        } finally {
            relay.process().restart();
            relay.process().awaitOutput(relay.upLine(), 2, Duration.ofSeconds(120));
        }
    }

    @Test
    @Order(5)
    void aNodeWithoutAValidCertificateCannotUseARelay() throws Exception {
        // An outsider behind its own symmetric NAT: same software and config, certificate from another CA.
        Router gw = lab.router("rogue-gw", net.internet, Nat.SYMMETRIC);
        Host host = lab.host("rogue", gw.lan());
        Pki other = Pki.create(Files.createDirectories(host.dir().resolve("pki")));
        mesh.prepare("rogue", host, "lighthouse: {hosts: " + NatMesh.lighthouses(net) + "}\nrelay: {use_relays: true}\n",
                other);
        mesh.start(List.of("rogue"));
        Node rogue = mesh.node("rogue");
        Node target = node(net.site("sym2"));
        NatLab.Site site = net.site("sym2");
        Wire fromLh1 = net.toRelay(site, net.lh1);
        Wire fromLh2 = net.toRelay(site, net.lh2);
        Wire.Count l1 = fromLh1.count();
        Wire.Count l2 = fromLh2.count();
        int replies = bigPings(host, target, PINGS);
        long bigToTarget = fromLh1.count().minus(l1).bigBToA() + fromLh2.count().minus(l2).bigBToA();
        assertEquals(0, replies, "the outsider reaches nobody");
        assertTrue(bigToTarget < 3, "no relay forwarded the outsider's packets to sym2 (" + bigToTarget + " big packets)");
        assertFalse(NatMesh.seesAlive(target, "rogue"), "sym2 does not list the outsider");
    }

    @Test
    @Order(6)
    void theRelayCountThatSawNothingFromTheOutsiderSeesAMembersRelayedPackets() {
        // Without this, the outsider's check above could pass merely because relays forward nothing at all.
        needs(EnumSet.of(Feature.RELAY));
        NatLab.Site site = net.site("sym2");
        Node target = node(site);
        Wire fromLh1 = net.toRelay(site, net.lh1);
        Wire fromLh2 = net.toRelay(site, net.lh2);
        Node member = node(net.site("sym1"));
        assertTrue(member.host().canPing(target.overlay(), Duration.ofSeconds(20)), "sym1 and sym2 talk again after"
                + " the relay restart");
        Wire.Count l1 = fromLh1.count();
        Wire.Count l2 = fromLh2.count();
        assertEquals(PINGS, bigPings(member.host(), target, PINGS), "sym1 reaches sym2 through a relay");
        assertTrue(fromLh1.count().minus(l1).bigBToA() + fromLh2.count().minus(l2).bigBToA() >= PINGS,
                "a member's big pings reach sym2 from a relay");
    }

    // ------------------------------------------------------------------ helpers

    private Node node(NatLab.Site s) {
        return mesh.node(s.name());
    }

    private void await(java.util.function.BooleanSupplier condition, Duration deadline, String what) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            sleep(250);
        }
        assertTrue(condition.getAsBoolean(), what + " within " + deadline.toSeconds() + " s");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

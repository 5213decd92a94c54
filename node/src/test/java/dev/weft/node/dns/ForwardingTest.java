package dev.weft.node.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Forwarding to two real unbound instances: corp.example to one (split DNS), everything else to
 * the other; a dead upstream, caching, truncation upstream, and dig through weft.
 */
class ForwardingTest {
    @TempDir
    static Path tmp;
    static Unbound corp;
    static Unbound rest;
    static DnsServer server;
    static InetSocketAddress at;
    static final TestMesh MESH = new TestMesh().node("alpha", "100.64.0.1");

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Tools.present("unbound"), "unbound is not installed (apt-get install unbound): skipping the forwarding tests");
        List<String> corpData = new ArrayList<>(List.of(
                "local-zone: \"corp.example.\" static",
                "local-data: \"corp.example. 3600 IN SOA ns.corp.example. h.corp.example. 1 3600 600 86400 30\"",
                "local-data: \"intranet.corp.example. 60 IN A 192.0.2.10\"",
                "local-data: \"mail.corp.example. 300 IN MX 10 mx.corp.example.\"",
                "local-data: \"only.corp.example. 60 IN A 192.0.2.11\""));
        for (int i = 0; i < 40; i++) {
            corpData.add("local-data: \"big.corp.example. 60 IN TXT \\\"" + String.format("%02d", i) + "-" + "y".repeat(60) + "\\\"\"");
        }
        corp = new Unbound(new InetSocketAddress("127.0.53.1", freePort("127.0.53.1")), dir("corp"), corpData).start();
        rest = new Unbound(new InetSocketAddress("127.0.53.2", freePort("127.0.53.2")), dir("rest"), List.of(
                "local-zone: \"example.test.\" static",
                "local-data: \"example.test. 3600 IN SOA ns.example.test. h.example.test. 1 3600 600 86400 20\"",
                "local-data: \"www.example.test. 120 IN A 198.51.100.80\"",
                "local-data: \"www.example.test. 120 IN AAAA 2001:db8::80\"",
                "local-data: \"only.corp.example.test. 60 IN A 198.51.100.81\"",
                "local-data: \"intranet.corp.example. 60 IN A 203.0.113.99\"")).start();
        InetSocketAddress nothing = new InetSocketAddress("127.0.53.9", freePort("127.0.53.9")); // no one listens here
        DnsOptions options = DnsOptions.defaults(List.of(new InetSocketAddress("127.0.42.2", 0)), List.of(nothing, rest.address))
                .withForward(Map.of("corp.example", List.of(corp.address)))
                .withUpstreamTimeout(Duration.ofMillis(400));
        server = DnsServer.start(options, MESH);
        at = server.addresses().get(0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (corp != null) {
            corp.close();
        }
        if (rest != null) {
            rest.close();
        }
    }

    static Path dir(String name) throws Exception {
        return java.nio.file.Files.createDirectories(tmp.resolve(name));
    }

    static int freePort(String host) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    static Message ask(InetSocketAddress server, String name, int type) throws Exception {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(Duration.ofSeconds(3));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    static List<String> data(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).sorted().toList();
    }

    @Test
    void splitDnsSendsEachDomainToItsUpstreamAndTheLongestSuffixWins() throws Exception {
        assertEquals(List.of("192.0.2.10"), data(ask(at, "intranet.corp.example.", Type.A)));
        // corp.example.test ends in example.test, not in corp.example: the default upstreams.
        assertEquals(List.of("198.51.100.81"), data(ask(at, "only.corp.example.test.", Type.A)));
        assertEquals(List.of("198.51.100.80"), data(ask(at, "www.example.test.", Type.A)));
        assertEquals(List.of("100.64.0.1"), data(ask(at, "alpha.mesh.internal.", Type.A)));
    }

    @Test
    void theAnswerIsTheUpstreamsWithTheClientsId() throws Exception {
        for (String[] q : new String[][] {{"mail.corp.example.", "MX"}, {"nope.corp.example.", "A"}, {"www.example.test.", "AAAA"},
                {"intranet.corp.example.", "TXT"}}) {
            InetSocketAddress upstream = q[0].endsWith("corp.example.") ? corp.address : rest.address;
            Message direct = ask(upstream, q[0], Type.value(q[1]));
            Message via = ask(at, q[0], Type.value(q[1]));
            assertEquals(direct.getRcode(), via.getRcode(), q[0]);
            for (int s : new int[] {Section.ANSWER, Section.AUTHORITY}) {
                assertEquals(direct.getSection(s).stream().map(r -> r.getName() + " " + r.rdataToString()).toList(),
                        via.getSection(s).stream().map(r -> r.getName() + " " + r.rdataToString()).toList(), q[0]);
            }
            assertEquals(direct.getHeader().getFlag(Flags.AA), via.getHeader().getFlag(Flags.AA));
        }
        assertEquals(Rcode.NXDOMAIN, ask(at, "nope.corp.example.", Type.A).getRcode());
    }

    @Test
    void answersAndNegativeAnswersAreCachedWithTheirTtlCountingDown() throws Exception {
        long hits = server.stats().cacheHits();
        Message first = ask(at, "www.example.test.", Type.AAAA);
        Message nx = ask(at, "gone.example.test.", Type.A);
        assertEquals(Rcode.NXDOMAIN, nx.getRcode());
        Thread.sleep(1100);
        Message second = ask(at, "www.example.test.", Type.AAAA);
        Message nx2 = ask(at, "gone.example.test.", Type.A);
        assertEquals(Rcode.NXDOMAIN, nx2.getRcode());
        assertTrue(server.stats().cacheHits() >= hits + 2, server.stats().toString());
        long ttl1 = first.getSection(Section.ANSWER).get(0).getTTL();
        long ttl2 = second.getSection(Section.ANSWER).get(0).getTTL();
        assertTrue(ttl2 < ttl1 && ttl2 >= ttl1 - 3, ttl1 + " then " + ttl2);
        assertEquals(data(first), data(second));
    }

    @Test
    void aTruncatedUpstreamAnswerIsFetchedAgainOverTcp() throws Exception {
        Message tcp = new SimpleResolver(at) {{ setTCP(true); }}.send(
                Message.newQuery(Record.newRecord(Name.fromString("big.corp.example."), Type.TXT, DClass.IN)));
        assertEquals(40, tcp.getSection(Section.ANSWER).size());
        assertFalse(tcp.getHeader().getFlag(Flags.TC));
        if (Tools.present("dig")) {
            String udp = Tools.dig(at.getAddress().getHostAddress(), at.getPort(), "+ignore", "big.corp.example", "TXT");
            assertTrue(udp.contains(" tc") , udp);
            String viaTcp = Tools.dig(at.getAddress().getHostAddress(), at.getPort(), "+tcp", "big.corp.example", "TXT");
            assertTrue(viaTcp.contains("ANSWER: 40"), viaTcp);
        }
    }

    @Test
    void aDeadUpstreamIsServfailThenRecovers() throws Exception {
        corp.stop();
        try {
            Message failed = ask(at, "only.corp.example.", Type.A);
            assertEquals(Rcode.SERVFAIL, failed.getRcode());
            if (Tools.present("dig")) {
                String dig = Tools.dig(at.getAddress().getHostAddress(), at.getPort(), "only.corp.example", "MX");
                assertTrue(dig.contains("status: SERVFAIL"), dig);
            }
        } finally {
            corp.start();
        }
        assertEquals(List.of("192.0.2.11"), data(ask(at, "only.corp.example.", Type.A)), "a failure is not cached");
    }

    @Test
    void digThroughWeft() throws Exception {
        assumeTrue(Tools.present("dig"), "dig is not installed (apt-get install dnsutils): skipping");
        String host = at.getAddress().getHostAddress();
        assertEquals("192.0.2.10\n", Tools.dig(host, at.getPort(), "+short", "intranet.corp.example"));
        assertEquals("198.51.100.80\n", Tools.dig(host, at.getPort(), "+short", "www.example.test"));
        assertEquals("198.51.100.80\n", Tools.dig(host, at.getPort(), "+tcp", "+short", "WWW.Example.TEST"));
        String refused = Tools.dig(host, at.getPort(), "example.org");
        assertTrue(refused.contains("status: REFUSED"), "unbound refuses what it does not serve, and weft says so: " + refused);
    }
}

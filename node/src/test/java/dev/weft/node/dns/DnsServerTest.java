package dev.weft.node.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The server on a real loopback socket, asked by dnsjava's resolver and by dig. */
class DnsServerTest {
    static final TestMesh MESH = new TestMesh().node("alpha", "100.64.0.1", "fd00::1").node("beta", "100.64.0.2");
    static DnsServer server;
    static InetSocketAddress at;

    @BeforeAll
    static void start() throws Exception {
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            big.add(String.format("%02d", i) + "-" + "x".repeat(200));
        }
        MESH.publish("alpha", List.of(
                new PublishedRecord.Address("web", false, Optional.empty(), OptionalInt.empty()),
                new PublishedRecord.Srv("_http._tcp.web", 0, 0, 8080, Optional.empty(), OptionalInt.empty()),
                new PublishedRecord.Cname("docs", "web.mesh.internal", OptionalInt.empty()),
                new PublishedRecord.Txt("web", List.of("v=1"), OptionalInt.empty()),
                new PublishedRecord.Txt("big", big, OptionalInt.empty())));
        MESH.publish("beta", List.of(
                new PublishedRecord.Address("web", false, Optional.empty(), OptionalInt.empty()),
                new PublishedRecord.Srv("_http._tcp.web", 0, 0, 8080, Optional.empty(), OptionalInt.empty())));
        server = DnsServer.start(DnsOptions.defaults(List.of(new InetSocketAddress("127.0.42.1", 0)), List.of()), MESH);
        at = server.addresses().get(0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Message ask(String name, int type, boolean tcp) throws Exception {
        SimpleResolver r = new SimpleResolver(at);
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(2));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    static List<String> data(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).sorted().toList();
    }

    @Test
    void nodeNamesAndReverseOverUdpAndTcp() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Message a = ask("alpha.mesh.internal.", Type.A, tcp);
            assertEquals(List.of("100.64.0.1"), data(a));
            assertEquals(5, a.getSection(Section.ANSWER).get(0).getTTL());
            assertTrue(a.getHeader().getFlag(Flags.AA));
            assertEquals(List.of("fd00:0:0:0:0:0:0:1"), data(ask("Alpha.MESH.internal.", Type.AAAA, tcp)));
            assertEquals(List.of("alpha.mesh.internal."), data(ask("1.0.64.100.in-addr.arpa.", Type.PTR, tcp)));
        }
    }

    @Test
    void nxdomainAndNodataCarryTheSoa() throws Exception {
        Message nx = ask("gamma.mesh.internal.", Type.A, false);
        assertEquals(Rcode.NXDOMAIN, nx.getRcode());
        assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
        Message nodata = ask("beta.mesh.internal.", Type.AAAA, false);
        assertEquals(Rcode.NOERROR, nodata.getRcode());
        assertEquals(List.of(), data(nodata));
        assertEquals(Type.SOA, nodata.getSection(Section.AUTHORITY).get(0).getType());
    }

    @Test
    void zoneTransfersAreRefusedAndNoUpstreamMeansRefused() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("mesh.internal."), Type.AXFR, DClass.IN));
        assertEquals(Rcode.REFUSED, new Message(udp(q.toWire(), 2000)).getRcode());
        assertEquals(Rcode.REFUSED, ask("example.org.", Type.A, false).getRcode());
    }

    @Test
    void ednsIsEchoedWithOurSizeAndLargeAnswersTruncateOverUdpOnly() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("big.mesh.internal."), Type.TXT, DClass.IN));
        Message noEdns = new Message(udp(q.toWire(), 2000));
        assertTrue(noEdns.getHeader().getFlag(Flags.TC));
        assertEquals(null, noEdns.getOPT());
        q.addRecord(new OPTRecord(4096, 0, 0, 0), Section.ADDITIONAL);
        byte[] wire = udp(q.toWire(), 2000);
        assertTrue(wire.length <= 1232, "capped at our payload size: " + wire.length);
        Message edns = new Message(wire);
        assertTrue(edns.getHeader().getFlag(Flags.TC));
        assertEquals(1232, edns.getOPT().getPayloadSize());
        Message tcp = ask("big.mesh.internal.", Type.TXT, true);
        assertFalse(tcp.getHeader().getFlag(Flags.TC));
        assertEquals(1, tcp.getSection(Section.ANSWER).size());
        assertTrue(tcp.toWire().length > 3000);
    }

    @Test
    void malformedQueriesGetFormerrAndShortOnesNothing() throws Exception {
        byte[] garbage = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x40, 'x'}; // a label longer than the datagram
        byte[] reply = udp(garbage, 2000);
        assertEquals(12, reply.length);
        assertEquals(0x12, reply[0]);
        assertEquals(0x34, reply[1]);
        assertEquals(0x81, reply[2] & 0xff); // QR and RD
        assertEquals(Rcode.FORMERR, reply[3] & 0xf);
        assertThrows(SocketTimeoutException.class, () -> udp(new byte[] {1, 2, 3}, 300));
        byte[] response = Message.newQuery(Record.newRecord(Name.fromString("alpha.mesh.internal."), Type.A, DClass.IN)).toWire();
        response[2] |= (byte) 0x80;
        assertThrows(SocketTimeoutException.class, () -> udp(response, 300), "responses are never answered");
        Message two = Message.newQuery(Record.newRecord(Name.fromString("alpha.mesh.internal."), Type.A, DClass.IN));
        two.addRecord(Record.newRecord(Name.fromString("beta.mesh.internal."), Type.A, DClass.IN), Section.QUESTION);
        assertEquals(Rcode.FORMERR, new Message(udp(two.toWire(), 2000)).getRcode());
        Message v1 = Message.newQuery(Record.newRecord(Name.fromString("alpha.mesh.internal."), Type.A, DClass.IN));
        v1.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
        assertEquals(Rcode.BADVERS, new Message(udp(v1.toWire(), 2000)).getRcode());
    }

    @Test
    void digSeesWhatTheIssueAsksFor() throws Exception {
        assumeTrue(Tools.present("dig"), "dig is not installed (apt-get install dnsutils): skipping the dig checks");
        String host = at.getAddress().getHostAddress();
        int port = at.getPort();
        assertEquals("100.64.0.1\n", Tools.dig(host, port, "+short", "alpha.mesh.internal", "A"));
        assertEquals("fd00::1\n", Tools.dig(host, port, "+short", "alpha.mesh.internal", "AAAA"));
        assertEquals("alpha.mesh.internal.\n", Tools.dig(host, port, "+short", "-x", "100.64.0.1"));
        assertEquals("alpha.mesh.internal.\n", Tools.dig(host, port, "+short", "-x", "fd00::1"));
        assertEquals(List.of("0 0 8080 alpha.mesh.internal.", "0 0 8080 beta.mesh.internal."),
                Tools.dig(host, port, "+short", "_http._tcp.web.mesh.internal", "SRV").lines().sorted().toList());
        assertEquals("\"v=1\"\n", Tools.dig(host, port, "+short", "web.mesh.internal", "TXT"));
        assertEquals(List.of("100.64.0.1", "100.64.0.2", "web.mesh.internal."),
                Tools.dig(host, port, "+short", "docs.mesh.internal", "A").lines().sorted().toList());
        String nx = Tools.dig(host, port, "gamma.mesh.internal", "A");
        assertTrue(nx.contains("status: NXDOMAIN") && nx.contains("SOA"), nx);
        String nodata = Tools.dig(host, port, "beta.mesh.internal", "AAAA");
        assertTrue(nodata.contains("status: NOERROR") && nodata.contains("ANSWER: 0") && nodata.contains("AUTHORITY: 1"), nodata);
        assertEquals("100.64.0.2\n", Tools.dig(host, port, "+tcp", "+short", "beta.mesh.internal", "A"));
        String truncated = Tools.dig(host, port, "+ignore", "big.mesh.internal", "TXT");
        assertTrue(truncated.contains(" tc") && truncated.contains("ANSWER: 0"), truncated);
        String full = Tools.dig(host, port, "+tcp", "big.mesh.internal", "TXT");
        assertTrue(full.contains("ANSWER: 1") && full.contains("15-xxx") && !full.contains(" tc;"), full);
        String axfr = Tools.dig(host, port, "mesh.internal", "AXFR");
        assertTrue(axfr.contains("Transfer failed") || axfr.contains("REFUSED"), axfr);
    }

    static byte[] udp(byte[] query, int timeoutMillis) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(timeoutMillis);
            s.send(new DatagramPacket(query, query.length, at));
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            s.receive(p);
            byte[] out = new byte[p.getLength()];
            System.arraycopy(p.getData(), 0, out, 0, out.length);
            return out;
        }
    }

}

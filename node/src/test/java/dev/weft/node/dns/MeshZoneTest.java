package dev.weft.node.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class MeshZoneTest {
    private final TestMesh mesh = new TestMesh().node("alpha", "100.64.0.1", "fd00::1").node("beta", "100.64.0.2")
            .publish("alpha", List.of(
                    new PublishedRecord.Address("web", false, Optional.empty(), OptionalInt.empty()),
                    new PublishedRecord.Srv("_http._tcp.web", 0, 0, 8080, Optional.empty(), OptionalInt.of(2)),
                    new PublishedRecord.Cname("loop1", "loop2.mesh.internal", OptionalInt.empty()),
                    new PublishedRecord.Cname("loop2", "loop1.mesh.internal", OptionalInt.empty()),
                    new PublishedRecord.Cname("docs", "web.mesh.internal", OptionalInt.empty()),
                    new PublishedRecord.Cname("away", "www.example.org", OptionalInt.empty()),
                    new PublishedRecord.Txt("web", List.of("v=1", "a \"quoted\" \\ text"), OptionalInt.empty())))
            .publish("beta", List.of(
                    new PublishedRecord.Address("web", false, Optional.empty(), OptionalInt.empty()),
                    new PublishedRecord.Txt("web", List.of("v=1", "a \"quoted\" \\ text"), OptionalInt.empty())));
    private final MeshZone zone = new MeshZone("mesh.internal", mesh, 5, true);

    private Message ask(String name, int type) throws Exception {
        return zone.answer(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    private static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).sorted().collect(Collectors.toList());
    }

    @Test
    void aServiceOfTwoNodesAnswersBothAndAnIdenticalTxtOnce() throws Exception {
        Message m = ask("web.mesh.internal.", Type.A);
        assertEquals(List.of("100.64.0.1", "100.64.0.2"), answers(m));
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertEquals(5, m.getSection(Section.ANSWER).get(0).getTTL());
        Message txt = ask("web.mesh.internal.", Type.TXT);
        assertEquals(List.of("\"v=1\" \"a \\\"quoted\\\" \\\\ text\""), answers(txt));
        mesh.kill("beta");
        assertEquals(List.of("100.64.0.1"), answers(ask("web.mesh.internal.", Type.A)));
    }

    @Test
    void srvPointsAtThePublisherWithItsAddressesAsGlue() throws Exception {
        Message m = ask("_http._tcp.web.mesh.internal.", Type.SRV);
        assertEquals(List.of("0 0 8080 alpha.mesh.internal."), answers(m));
        assertEquals(2, m.getSection(Section.ANSWER).get(0).getTTL());
        assertEquals(List.of("100.64.0.1", "fd00:0:0:0:0:0:0:1"),
                m.getSection(Section.ADDITIONAL).stream().map(Record::rdataToString).sorted().toList());
    }

    @Test
    void anEmptyNonTerminalIsNodataNotNxdomain() throws Exception {
        Message m = ask("_tcp.web.mesh.internal.", Type.SRV);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(), answers(m));
        assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType());
        assertEquals(Rcode.NXDOMAIN, ask("_udp.web.mesh.internal.", Type.SRV).getRcode());
    }

    @Test
    void cnamesAreFollowedInsideTheZoneAndLoopsEnd() throws Exception {
        Message docs = ask("docs.mesh.internal.", Type.A);
        assertEquals(List.of("100.64.0.1", "100.64.0.2", "web.mesh.internal."), answers(docs));
        Message loop = ask("loop1.mesh.internal.", Type.A);
        assertEquals(Rcode.NOERROR, loop.getRcode());
        assertEquals(8, loop.getSection(Section.ANSWER).size());
        assertEquals(List.of("www.example.org."), answers(ask("away.mesh.internal.", Type.A)));
        assertEquals(List.of("web.mesh.internal."), answers(ask("docs.mesh.internal.", Type.CNAME)));
    }

    @Test
    void theApexHasAnSoaAndOtherClassesAreRefused() throws Exception {
        assertEquals(Type.SOA, ask("mesh.internal.", Type.SOA).getSection(Section.ANSWER).get(0).getType());
        Message ns = ask("MESH.internal.", Type.NS);
        assertEquals(List.of(), answers(ns));
        assertEquals(Rcode.NOERROR, ns.getRcode());
        Message chaos = zone.answer(Message.newQuery(Record.newRecord(Name.fromString("alpha.mesh.internal."), Type.TXT, DClass.CH)));
        assertEquals(Rcode.REFUSED, chaos.getRcode());
    }

    @Test
    void anyGivesEverythingAtTheName() throws Exception {
        // two A (alpha's and beta's) and one TXT (both publish the same)
        assertEquals(List.of(Type.A, Type.A, Type.TXT),
                ask("web.mesh.internal.", Type.ANY).getSection(Section.ANSWER).stream().map(Record::getType).sorted().toList());
    }

    @Test
    void reverseNamesOfBothFamilies() throws Exception {
        assertEquals(Optional.of(java.net.InetAddress.getByName("100.64.0.12")),
                ReverseNames.parse(Name.fromString("12.0.64.100.in-addr.arpa.")));
        assertEquals(Optional.of(java.net.InetAddress.getByName("fd00::1")), ReverseNames.parse(Name.fromString(
                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.")));
        assertEquals(Optional.empty(), ReverseNames.parse(Name.fromString("0.64.100.in-addr.arpa.")));
        assertEquals(Optional.empty(), ReverseNames.parse(Name.fromString("256.0.64.100.in-addr.arpa.")));
        assertEquals(Optional.empty(), ReverseNames.parse(Name.fromString("012.0.64.100.in-addr.arpa.")));
        Message ptr = zone.reverse(Message.newQuery(Record.newRecord(Name.fromString("2.0.64.100.in-addr.arpa."), Type.PTR, DClass.IN)))
                .orElseThrow();
        assertEquals(List.of("beta.mesh.internal."), answers(ptr));
        assertTrue(zone.reverse(Message.newQuery(Record.newRecord(Name.fromString("9.0.64.100.in-addr.arpa."), Type.PTR, DClass.IN)))
                .isEmpty());
    }
}

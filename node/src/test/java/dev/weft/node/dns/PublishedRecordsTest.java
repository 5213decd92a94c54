package dev.weft.node.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PublishedRecordsTest {

    @Test
    void theIssuesExampleParses() throws Exception {
        List<PublishedRecord> r = PublishedRecords.parse(List.of(
                Map.of("name", "web", "type", "A"),
                Map.of("name", "_http._tcp.web", "type", "SRV", "port", 8080),
                Map.of("name", "docs", "type", "CNAME", "target", "web.mesh.internal"),
                Map.of("name", "web", "type", "TXT", "text", "v=1"),
                Map.of("name", "Web", "type", "aaaa", "address", "fd00::5", "ttl", 30)));
        assertEquals(List.of(
                new PublishedRecord.Address("web", false, Optional.empty(), OptionalInt.empty()),
                new PublishedRecord.Srv("_http._tcp.web", 0, 0, 8080, Optional.empty(), OptionalInt.empty()),
                new PublishedRecord.Cname("docs", "web.mesh.internal", OptionalInt.empty()),
                new PublishedRecord.Txt("web", List.of("v=1"), OptionalInt.empty()),
                new PublishedRecord.Address("web", true, Optional.of(InetAddress.getByName("fd00::5")), OptionalInt.of(30))), r);
    }

    @Test
    void errorsNameTheItem() {
        assertError("dns.records[1]: SRV needs 'port'", Map.of("name", "a", "type", "A"), Map.of("name", "s", "type", "SRV"));
        assertError("dns.records[0]: CNAME needs 'target'", Map.of("name", "a", "type", "CNAME"));
        assertError("dns.records[0]: 'type' is required (A, AAAA, CNAME, SRV or TXT)", Map.of("name", "a"));
        assertError("dns.records[0]: type 'MX' is not one of A, AAAA, CNAME, SRV, TXT", Map.of("name", "a", "type", "MX"));
        assertError("dns.records[0]: unknown key 'port' for A (known: address, name, ttl, type)",
                Map.of("name", "a", "type", "A", "port", 1));
        assertError("dns.records[0]: port must be 1 to 65535, not 70000", Map.of("name", "s", "type", "SRV", "port", 70000));
        assertError("dns.records[0]: 'port' must be a whole number, not 80", Map.of("name", "s", "type", "SRV", "port", "80"));
        assertError("dns.records[0]: name is relative to the domain and has no trailing dot ('web.')",
                Map.of("name", "web.", "type", "A"));
        assertError("dns.records[0]: 'address' must be an IPv4 address literal ('300.1.1.1')",
                Map.of("name", "a", "type", "A", "address", "300.1.1.1"));
        assertError("dns.records[0]: 'address' must be an IPv4 address literal ('example.com')",
                Map.of("name", "a", "type", "A", "address", "example.com"));
        assertError("dns.records[0]: 'address' must be an IPv4 address literal ('fd00::5')",
                Map.of("name", "a", "type", "A", "address", "fd00::5"));
        assertError("dns.records[0]: ttl must be 0 to 3600, not 86400", Map.of("name", "a", "type", "A", "ttl", 86400));
        assertError("dns.records[0]: not a map like {name: web, type: A}", "web");
        assertThrows(IllegalArgumentException.class, () -> PublishedRecords.parse(List.of(Map.of("name", "a b", "type", "A"))));
        assertThrows(IllegalArgumentException.class, () -> PublishedRecords.parse(List.of(Map.of("name", "-a", "type", "A"))));
        assertThrows(IllegalArgumentException.class, () -> PublishedRecords.parse(List.of(Map.of("name", "a..b", "type", "A"))));
        assertThrows(IllegalArgumentException.class,
                () -> PublishedRecords.parse(List.of(Map.of("name", "t", "type", "TXT", "text", "caf\u00e9"))));
        assertThrows(IllegalArgumentException.class,
                () -> PublishedRecords.parse(List.of(Map.of("name", "t", "type", "TXT", "text", "x".repeat(256)))));
    }

    @Test
    void txtTakesAListAndSrvItsOptions() {
        List<PublishedRecord> r = PublishedRecords.parse(List.of(
                Map.of("name", "t", "type", "TXT", "text", List.of("a", "b c")),
                Map.of("name", "_x._udp", "type", "SRV", "port", 53, "priority", 1, "weight", 5, "target", "Other.Example.")));
        assertEquals(new PublishedRecord.Txt("t", List.of("a", "b c"), OptionalInt.empty()), r.get(0));
        assertEquals(new PublishedRecord.Srv("_x._udp", 1, 5, 53, Optional.of("other.example"), OptionalInt.empty()), r.get(1));
        assertEquals(List.of(), PublishedRecords.parse(null));
    }

    private static void assertError(String message, Object... items) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublishedRecords.parse(List.of(items)));
        assertEquals(message, e.getMessage());
    }
}

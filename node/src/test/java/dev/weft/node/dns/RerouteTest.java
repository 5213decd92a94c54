package dev.weft.node.dns;

import static dev.weft.node.dns.ForwardingTest.ask;
import static dev.weft.node.dns.ForwardingTest.data;
import static dev.weft.node.dns.ForwardingTest.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** {@link DnsServer#reroute} (a reload of dns.upstreams and dns.forward) takes effect at once, past the cache. */
class RerouteTest {
    @TempDir
    Path tmp;

    @Test
    void laterQuestionsGoToTheNewServersAndTheCacheIsForgotten() throws Exception {
        assumeTrue(Tools.present("unbound"), "unbound is not installed: skipping");
        try (Unbound corp = new Unbound(new InetSocketAddress("127.0.53.3", freePort("127.0.53.3")), dir("corp"), List.of(
                     "local-zone: \"corp.example.\" static",
                     "local-data: \"corp.example. 3600 IN SOA ns.corp.example. h.corp.example. 1 3600 600 86400 30\"",
                     "local-data: \"intranet.corp.example. 600 IN A 192.0.2.10\"")).start();
             Unbound rest = new Unbound(new InetSocketAddress("127.0.53.4", freePort("127.0.53.4")), dir("rest"), List.of(
                     "local-zone: \"corp.example.\" static",
                     "local-data: \"corp.example. 3600 IN SOA ns.corp.example. h.corp.example. 1 3600 600 86400 30\"",
                     "local-data: \"intranet.corp.example. 600 IN A 203.0.113.99\"")).start();
             DnsServer server = DnsServer.start(DnsOptions.defaults(List.of(new InetSocketAddress("127.0.42.3", 0)),
                     List.of(rest.address)), new TestMesh().node("alpha", "100.64.0.1"))) {
            InetSocketAddress at = server.addresses().get(0);
            assertEquals(List.of("203.0.113.99"), data(ask(at, "intranet.corp.example.", Type.A)));
            assertEquals(List.of("203.0.113.99"), data(ask(at, "intranet.corp.example.", Type.A)), "cached for 600 s");

            server.reroute(List.of(rest.address), Map.of("corp.example", List.of(corp.address)));
            assertEquals(List.of("192.0.2.10"), data(ask(at, "intranet.corp.example.", Type.A)));

            assertTrue(ask(at, "alpha.mesh.internal.", Type.A).getHeader().getFlag(Flags.RA), "mesh answers say RA");

            server.reroute(List.of(), Map.of());
            Message none = ask(at, "intranet.corp.example.", Type.A);
            assertEquals(Rcode.REFUSED, none.getRcode(), "no upstream any more, and not from the cache: " + none);
            assertFalse(ask(at, "alpha.mesh.internal.", Type.A).getHeader().getFlag(Flags.RA), "no upstream: no recursion");
        }
    }

    private Path dir(String name) throws Exception {
        return Files.createDirectories(tmp.resolve(name));
    }
}

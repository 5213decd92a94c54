package dev.weft.node.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class LimitsTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = now::get;

    @Test
    void aSourceGetsItsBurstThenItsRate() throws Exception {
        RateLimiter limiter = new RateLimiter(10, 20, 100, ticker);
        InetAddress a = InetAddress.getByName("127.0.0.5");
        InetAddress b = InetAddress.getByName("127.0.0.6");
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            allowed += limiter.allow(a) ? 1 : 0;
        }
        assertEquals(20, allowed);
        assertTrue(limiter.allow(b), "another source has its own bucket");
        now.addAndGet(500_000_000L); // half a second: 5 more
        allowed = 0;
        for (int i = 0; i < 100; i++) {
            allowed += limiter.allow(a) ? 1 : 0;
        }
        assertEquals(5, allowed);
    }

    @Test
    void theTableOfSourcesIsBounded() throws Exception {
        RateLimiter limiter = new RateLimiter(10, 20, 1000, ticker);
        for (int i = 0; i < 100_000; i++) {
            limiter.allow(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
        }
        assertTrue(limiter.tracked() <= 1000, "tracked " + limiter.tracked());
    }

    @Test
    void cachedAnswersExpireWithTheirTtlAndNegativeOnesWithTheSoaMinimum() throws Exception {
        ResponseCache cache = new ResponseCache(100, Duration.ofHours(1), ticker);
        Name name = Name.fromString("www.example.test.");
        Message ok = response(name, Rcode.NOERROR);
        ok.addRecord(new ARecord(name, DClass.IN, 30, InetAddress.getByName("198.51.100.1")), Section.ANSWER);
        ok.addRecord(new ARecord(name, DClass.IN, 10, InetAddress.getByName("198.51.100.2")), Section.ANSWER);
        ResponseCache.Key key = new ResponseCache.Key(Name.fromString("WWW.example.test."), Type.A, DClass.IN, false, false);
        cache.put(key, ok);
        now.addAndGet(4_000_000_000L);
        var hit = cache.get(new ResponseCache.Key(name, Type.A, DClass.IN, false, false)).orElseThrow();
        assertEquals(4, hit.ageSeconds());
        Message aged = Forwarder.reply(hit.message(), hit.ageSeconds(),
                Message.newQuery(Record.newRecord(name, Type.A, DClass.IN)));
        assertEquals(List.of(26L, 6L), aged.getSection(Section.ANSWER).stream().map(Record::getTTL).toList());
        now.addAndGet(6_000_000_000L);
        assertTrue(cache.get(key).isEmpty(), "gone after the smallest TTL");

        Message nx = response(name, Rcode.NXDOMAIN);
        nx.addRecord(new SOARecord(Name.fromString("example.test."), DClass.IN, 3600, Name.root, Name.root, 1, 1, 1, 1, 20),
                Section.AUTHORITY);
        cache.put(key, nx);
        now.addAndGet(19_000_000_000L);
        assertTrue(cache.get(key).isPresent());
        now.addAndGet(2_000_000_000L);
        assertTrue(cache.get(key).isEmpty(), "negative answers live min(SOA TTL, SOA minimum)");

        cache.put(key, response(name, Rcode.SERVFAIL));
        Message noSoa = response(name, Rcode.NXDOMAIN);
        cache.put(new ResponseCache.Key(name, Type.AAAA, DClass.IN, false, false), noSoa);
        Message tc = response(name, Rcode.NOERROR);
        tc.getHeader().setFlag(Flags.TC);
        tc.addRecord(new ARecord(name, DClass.IN, 30, InetAddress.getByName("198.51.100.1")), Section.ANSWER);
        cache.put(new ResponseCache.Key(name, Type.TXT, DClass.IN, false, false), tc);
        assertEquals(0, cache.size(), "failures, negative answers without SOA and truncated answers are not kept");
    }

    @Test
    void aFloodFromOneSourceIsCutToItsRateOverTheSocket() throws Exception {
        DnsOptions options = DnsOptions.defaults(List.of(new InetSocketAddress("127.0.42.4", 0)), List.of()).withRateLimit(5, 10);
        try (DnsServer server = DnsServer.start(options, new TestMesh().node("alpha", "100.64.0.1"));
                java.net.DatagramSocket s = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] q = Message.newQuery(Record.newRecord(Name.fromString("alpha.mesh.internal."), Type.A, DClass.IN)).toWire();
            for (int i = 0; i < 200; i++) {
                s.send(new java.net.DatagramPacket(q, q.length, server.addresses().get(0)));
            }
            s.setSoTimeout(300);
            int answers = 0;
            try {
                while (true) {
                    s.receive(new java.net.DatagramPacket(new byte[512], 512));
                    answers++;
                }
            } catch (java.net.SocketTimeoutException done) {
                // no more
            }
            assertTrue(answers >= 10 && answers <= 15, "answers " + answers);
            assertTrue(server.stats().rateLimited() >= 185, server.stats().toString());
        }
    }

    @Test
    void serverAddressesParse() {
        assertEquals(new InetSocketAddress("192.0.2.53", 53), DnsOptions.parseServer("192.0.2.53"));
        assertEquals(new InetSocketAddress("192.0.2.53", 5353), DnsOptions.parseServer("192.0.2.53:5353"));
        assertEquals(new InetSocketAddress("2001:db8::53", 53), DnsOptions.parseServer("2001:db8::53"));
        assertEquals(new InetSocketAddress("2001:db8::53", 5353), DnsOptions.parseServer("[2001:db8::53]:5353"));
        for (String bad : List.of("dns.example", "300.1.1.1", "192.0.2.1:0", "[192.0.2.1]:53x", "1.2.3.4:99999")) {
            try {
                DnsOptions.parseServer(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertFalse(expected.getMessage().isEmpty());
            }
        }
    }

    private static Message response(Name name, int rcode) {
        Message m = new Message(7);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        m.addRecord(Record.newRecord(name, Type.A, DClass.IN), Section.QUESTION);
        return m;
    }
}

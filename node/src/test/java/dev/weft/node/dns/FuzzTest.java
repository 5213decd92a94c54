package dev.weft.node.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Random and mutated datagrams: every answer is a well-formed response to its id, nothing throws, valid queries still work. */
class FuzzTest {
    private static final TestMesh MESH = new TestMesh().node("alpha", "100.64.0.1", "fd00::1")
            .publish("alpha", List.of(new PublishedRecord.Srv("_h._tcp.web", 0, 0, 80, Optional.empty(), OptionalInt.empty()),
                    new PublishedRecord.Cname("c", "alpha.mesh.internal", OptionalInt.empty())));

    static byte[] mutant(Random random, List<byte[]> seeds) {
        if (random.nextInt(4) == 0) {
            byte[] b = new byte[random.nextInt(600)];
            random.nextBytes(b);
            return b;
        }
        byte[] seed = seeds.get(random.nextInt(seeds.size()));
        byte[] b = java.util.Arrays.copyOf(seed, Math.max(0, seed.length + random.nextInt(9) - 6));
        for (int i = random.nextInt(4); i >= 0 && b.length > 0; i--) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        if (random.nextInt(3) == 0 && b.length > 0) {
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        if (b.length > 2) {
            b[2] &= 0x7f; // mostly queries: responses are dropped before parsing
        }
        return b;
    }

    static List<byte[]> seeds() throws Exception {
        List<byte[]> out = new java.util.ArrayList<>();
        for (String n : List.of("alpha.mesh.internal.", "_h._tcp.web.mesh.internal.", "c.mesh.internal.", "1.0.64.100.in-addr.arpa.",
                "mesh.internal.", "example.org.")) {
            for (int t : new int[] {Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.ANY, Type.TXT}) {
                Message q = Message.newQuery(Record.newRecord(Name.fromString(n), t, DClass.IN));
                out.add(q.toWire());
                q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
                out.add(q.toWire());
            }
        }
        return out;
    }

    @Test
    void theHandlerAnswersEveryMutantWithAWellFormedResponseOrNothing() throws Exception {
        DnsCounters counters = new DnsCounters();
        MeshZone zone = new MeshZone("mesh.internal", MESH, 5, false);
        Forwarder forwarder = new Forwarder(new SplitRoutes(List.of(), java.util.Map.of()),
                new ResponseCache(100, Duration.ofHours(1), com.github.benmanes.caffeine.cache.Ticker.systemTicker()),
                Duration.ofMillis(100), 1232, 16, counters);
        QueryHandler handler = new QueryHandler(zone, forwarder, new RateLimiter(0, 1, 1,
                com.github.benmanes.caffeine.cache.Ticker.systemTicker()), 1232, counters,
                com.github.benmanes.caffeine.cache.Ticker.systemTicker());
        Random random = new Random(13);
        List<byte[]> seeds = seeds();
        InetAddress source = InetAddress.getLoopbackAddress();
        int answered = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] in = mutant(random, seeds);
            byte[] out = handler.handle(in, source, random.nextBoolean()).get();
            if (out == null) {
                continue;
            }
            answered++;
            Message m = new Message(out);
            assertTrue(m.getHeader().getFlag(Flags.QR));
            assertEquals(((in[0] & 0xff) << 8) | (in[1] & 0xff), m.getHeader().getID());
        }
        assertEquals(0, counters.internalErrors.sum());
        assertTrue(answered > 100_000, "answered " + answered);
    }

    /**
     * A valid query's answer; the query is sent again when lost, because a flood fills the server's
     * receive buffer and the kernel drops what does not fit, valid or not.
     */
    private static String validAnswer(SimpleResolver valid) throws Exception {
        return validAnswer(valid, Type.A);
    }

    private static String validAnswer(SimpleResolver valid, int type) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                Message a = valid.send(Message.newQuery(Record.newRecord(Name.fromString("alpha.mesh.internal."), type, DClass.IN)));
                return a.getSection(Section.ANSWER).get(0).rdataToString();
            } catch (java.io.IOException lost) {
                if (attempt == 5) {
                    throw lost;
                }
            }
        }
    }

    @Test
    void aHundredThousandDatagramsAtTheServerAndItKeepsAnswering() throws Exception {
        DnsOptions options = DnsOptions.defaults(List.of(new InetSocketAddress("127.0.42.3", 0)), List.of()).withRateLimit(0, 1);
        try (DnsServer server = DnsServer.start(options, MESH);
                DatagramChannel flood = DatagramChannel.open()) {
            InetSocketAddress at = server.addresses().get(0);
            flood.bind(new InetSocketAddress("127.0.0.1", 0));
            flood.configureBlocking(false);
            SimpleResolver valid = new SimpleResolver(at);
            valid.setTimeout(Duration.ofMillis(500));
            Random random = new Random(42);
            List<byte[]> seeds = seeds();
            ByteBuffer sink = ByteBuffer.allocate(65535);
            int sent = 0;
            for (int i = 0; i < 100_000; i++) {
                byte[] datagram = mutant(random, seeds);
                while (flood.send(ByteBuffer.wrap(datagram), at) == 0 && datagram.length > 0) {
                    Thread.onSpinWait(); // the socket's buffer is full
                }
                sent++;
                // Keep the flood within what the socket's buffer holds, so the server parses (nearly) all of it
                // rather than the kernel dropping most: the point is what the parser sees.
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (sent - server.stats().queries() > 1_000 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                while (flood.receive(sink.clear()) != null) {
                    // answers to garbage are read and thrown away
                }
                if (i % 10_000 == 0) {
                    assertEquals("100.64.0.1", validAnswer(valid));
                }
            }
            assertEquals("fd00:0:0:0:0:0:0:1", validAnswer(valid, Type.AAAA));
            DnsStats stats = server.stats();
            assertEquals(0, stats.internalErrors(), stats.toString());
            assertEquals(100_000, sent);
            assertTrue(stats.queries() > 95_000, "the server saw nearly all of them: " + stats);
        }
    }
}

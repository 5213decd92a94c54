package dev.weft.node.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Repeated questions are answered from finished wire answers, and only while those are still right. */
class AnswerMemoTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = now::get;
    private final TestMesh mesh = new TestMesh().node("alpha", "100.64.0.1");
    private final AtomicInteger meshCalls = new AtomicInteger();
    private final MeshNames counting = new MeshNames() {
        @Override
        public List<InetAddress> addresses(String nodeName) {
            meshCalls.incrementAndGet();
            return mesh.addresses(nodeName);
        }

        @Override
        public Optional<String> nameOf(InetAddress overlayAddress) {
            meshCalls.incrementAndGet();
            return mesh.nameOf(overlayAddress);
        }

        @Override
        public List<MeshRecord> records(String relativeName) {
            meshCalls.incrementAndGet();
            return mesh.records(relativeName);
        }

        @Override
        public boolean exists(String relativeName) {
            meshCalls.incrementAndGet();
            return mesh.exists(relativeName);
        }

        @Override
        public Object version() {
            return mesh.version();
        }
    };
    private final DnsCounters counters = new DnsCounters();
    private final ResponseCache cache = new ResponseCache(100, Duration.ofHours(1), ticker);
    private final QueryHandler handler = new QueryHandler(new MeshZone("mesh.internal", counting, 5, true),
            new Forwarder(new SplitRoutes(List.of(new InetSocketAddress("127.0.0.1", 9)), Map.of()), cache,
                    Duration.ofMillis(100), 1232, 16, counters),
            new RateLimiter(0, 1, 1, ticker), 1232, counters, ticker);

    private byte[] ask(String name, int type, int id) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.getHeader().setID(id);
        return handler.handle(q.toWire(), InetAddress.getLoopbackAddress(), false).get();
    }

    @Test
    void aRepeatedMeshQuestionIsAnsweredWithoutAskingTheMeshWithItsOwnIdAndCase() throws Exception {
        Message first = new Message(ask("alpha.mesh.internal.", Type.A, 1));
        int calls = meshCalls.get();
        Message again = new Message(ask("ALPHA.Mesh.internal.", Type.A, 2));
        assertEquals(calls, meshCalls.get(), "the second answer came from the memo");
        assertEquals(2, again.getHeader().getID());
        assertEquals("ALPHA.Mesh.internal.", again.getQuestion().getName().toString());
        assertEquals(first.getSection(Section.ANSWER), again.getSection(Section.ANSWER));
        assertTrue(again.getHeader().getFlag(Flags.AA));
        assertEquals(2, counters.snapshot().meshAnswers());
    }

    @Test
    void aChangedMeshIsSeenAtOnce() throws Exception {
        assertEquals(Rcode.NOERROR, new Message(ask("alpha.mesh.internal.", Type.A, 1)).getRcode());
        mesh.kill("alpha");
        assertEquals(Rcode.NXDOMAIN, new Message(ask("alpha.mesh.internal.", Type.A, 2)).getRcode());
        mesh.node("alpha", "100.64.0.9");
        Message back = new Message(ask("alpha.mesh.internal.", Type.A, 3));
        assertEquals("100.64.0.9", back.getSection(Section.ANSWER).get(0).rdataToString());
    }

    @Test
    void aCachedUpstreamAnswerIsReusedOnlyUntilItsTtlCountsDown() throws Exception {
        Name name = Name.fromString("www.example.test.");
        Message up = new Message(7);
        up.getHeader().setFlag(Flags.QR);
        up.getHeader().setFlag(Flags.RA);
        up.addRecord(Record.newRecord(name, Type.A, DClass.IN), Section.QUESTION);
        up.addRecord(new ARecord(name, DClass.IN, 300, InetAddress.getByName("198.51.100.1")), Section.ANSWER);
        cache.put(new ResponseCache.Key(name, Type.A, DClass.IN, false, false), up);
        byte[] a = ask("www.example.test.", Type.A, 1);
        now.addAndGet(500_000_000L);
        byte[] b = ask("www.example.test.", Type.A, 1);
        assertArrayEquals(a, b, "the same second: the same bytes");
        now.addAndGet(600_000_000L);
        assertEquals(299, new Message(ask("www.example.test.", Type.A, 1)).getSection(Section.ANSWER).get(0).getTTL(),
                "a second later the TTL has counted down");
        now.addAndGet(300_000_000_000L);
        assertEquals(Rcode.SERVFAIL, new Message(ask("www.example.test.", Type.A, 1)).getRcode(),
                "expired: asked upstream (none listens), never the old answer");
        assertEquals(3, counters.snapshot().cacheHits());
    }

    @Test
    void onlyPlainQueriesAreKeyed() throws Exception {
        byte[] q = Message.newQuery(Record.newRecord(Name.fromString("a.b."), Type.A, DClass.IN)).toWire();
        assertEquals(q.length, AnswerMemo.questionEnd(q));
        byte[] pointer = q.clone();
        pointer[12] = (byte) 0xC0;
        assertEquals(-1, AnswerMemo.questionEnd(pointer));
        byte[] two = q.clone();
        two[5] = 2;
        assertEquals(-1, AnswerMemo.questionEnd(two));
        assertEquals(-1, AnswerMemo.questionEnd(java.util.Arrays.copyOf(q, q.length - 1)));
        byte[] padded = java.util.Arrays.copyOf(q, AnswerMemo.MAX_QUERY + 1); // e.g. a 64 KiB TCP query: never a key
        assertEquals(-1, AnswerMemo.questionEnd(padded));
        assertEquals(q.length, AnswerMemo.questionEnd(java.util.Arrays.copyOf(q, AnswerMemo.MAX_QUERY)));
    }
}

package dev.weft.node.dns;

import java.io.IOException;
import java.net.InetAddress;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One query in wire form to its answer in wire form, whatever the transport: rate limit, parse,
 * check, answer from the mesh or forward, then EDNS0 and truncation. Nothing the network sends
 * makes it throw; a datagram it cannot answer is dropped (a null answer).
 */
final class QueryHandler {
    static final int HEADER = 12;
    private static final CompletableFuture<byte[]> DROP = CompletableFuture.completedFuture(null);
    /**
     * How long a mesh answer is reused while the mesh stays the same: the version check already
     * covers changes; the bound only keeps answers of implementations whose version lies from living forever.
     */
    private static final long MESH_REUSE_NANOS = 60_000_000_000L;

    private final MeshZone zone;
    private final Forwarder forwarder;
    private final RateLimiter limiter;
    private final int udpPayload;
    private final DnsCounters counters;
    private final AnswerMemo memo;
    private final Ticker ticker;

    /** An answer on its way, and whether (and until when) its wire form may be reused for the same query. */
    private record Answer(CompletableFuture<Message> message, AnswerMemo.Source source, long sameUntilNanos) {
        static Answer once(CompletableFuture<Message> message) {
            return new Answer(message, null, 0);
        }

        static Answer once(Message message) {
            return once(CompletableFuture.completedFuture(message));
        }
    }

    QueryHandler(MeshZone zone, Forwarder forwarder, RateLimiter limiter, int udpPayload, DnsCounters counters, Ticker ticker) {
        this.ticker = ticker;
        this.memo = new AnswerMemo(ticker);
        this.zone = zone;
        this.forwarder = forwarder;
        this.limiter = limiter;
        this.udpPayload = udpPayload;
        this.counters = counters;
    }

    /** The answer to {@code wire} from {@code source}, or null to send nothing. */
    CompletableFuture<byte[]> handle(byte[] wire, InetAddress source, boolean tcp) {
        counters.queries.increment();
        if (!limiter.allow(source)) {
            counters.rateLimited.increment();
            return DROP;
        }
        // Responses are never answered: two servers would otherwise echo each other forever.
        if (wire.length < HEADER || (wire[2] & 0x80) != 0) {
            counters.dropped.increment();
            return DROP;
        }
        int questionEnd = AnswerMemo.questionEnd(wire);
        if (questionEnd > 0) {
            AnswerMemo.Hit hit = memo.lookup(wire, questionEnd, tcp, zone.mesh());
            if (hit != null) {
                (hit.source() == AnswerMemo.Source.MESH ? counters.meshAnswers : counters.cacheHits).increment();
                return CompletableFuture.completedFuture(hit.answer());
            }
        }
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.completedFuture(formErr(wire));
        }
        Message q = query;
        // Read before answering: if the mesh changes meanwhile, the kept answer is already stale-tagged.
        Object version = zone.mesh().version();
        try {
            Answer a = answer(q);
            if (a.source() != null && questionEnd > 0 && a.message().isDone() && !a.message().isCompletedExceptionally()) {
                byte[] out = finish(a.message().join(), q, tcp);
                memo.keep(wire, questionEnd, tcp, out, a.source(), version,
                        a.source() == AnswerMemo.Source.MESH ? ticker.read() + MESH_REUSE_NANOS : a.sameUntilNanos());
                return CompletableFuture.completedFuture(out);
            }
            return a.message().thenApply(r -> finish(r, q, tcp)).exceptionally(e -> internalError(q, e, tcp));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(internalError(q, e, tcp));
        }
    }

    private Answer answer(Message query) {
        Header h = query.getHeader();
        if (h.getOpcode() != Opcode.QUERY) {
            return Answer.once(bare(query, Rcode.NOTIMP));
        }
        // The parsed section, not the header's count: dnsjava keeps what it read of a message with TC set.
        if (query.getSection(Section.QUESTION).size() != 1 || countOpt(query) > 1) {
            counters.formErrors.increment();
            return Answer.once(bare(query, Rcode.FORMERR));
        }
        OPTRecord opt = query.getOPT();
        if (opt != null && opt.getVersion() != 0) {
            Message r = bare(query, Rcode.NOERROR); // BADVERS is 16: its high bits go in the OPT (RFC 6891)
            r.addRecord(new OPTRecord(udpPayload, Rcode.BADVERS >> 4, 0, 0), Section.ADDITIONAL);
            return Answer.once(r);
        }
        Record question = query.getQuestion();
        int type = question.getType();
        if (type == Type.OPT || type == Type.TSIG || type == Type.TKEY) { // meta types that are never a question (RFC 6895)
            counters.formErrors.increment();
            return Answer.once(bare(query, Rcode.FORMERR));
        }
        if (type == Type.AXFR || type == Type.IXFR) {
            return Answer.once(Forwarder.error(query, Rcode.REFUSED)); // zone transfers: never, not even of upstream zones
        }
        if (zone.contains(question.getName())) {
            counters.meshAnswers.increment();
            return new Answer(done(zone.answer(query)), AnswerMemo.Source.MESH, 0);
        }
        var reverse = zone.reverse(query);
        if (reverse.isPresent()) {
            counters.meshAnswers.increment();
            return new Answer(done(reverse.get()), AnswerMemo.Source.MESH, 0);
        }
        Forwarder.Cached cached = forwarder.cached(query);
        if (cached != null) {
            return new Answer(done(cached.reply()), AnswerMemo.Source.CACHE, cached.sameUntilNanos());
        }
        return Answer.once(forwarder.forward(query));
    }

    /** Adds our OPT when the client sent one, and fits the answer to the client's UDP size (setting TC). */
    private byte[] finish(Message response, Message query, boolean tcp) {
        OPTRecord opt = query.getOPT();
        if (opt != null && response.getOPT() == null) {
            response.addRecord(new OPTRecord(udpPayload, 0, 0, opt.getFlags() & ExtendedFlags.DO), Section.ADDITIONAL);
        }
        int max = tcp ? 0xFFFF : opt == null ? 512 : Math.max(512, Math.min(opt.getPayloadSize(), udpPayload));
        byte[] out = response.toWire(max);
        if ((out[2] & 0x02) != 0 && !tcp) {
            counters.truncated.increment();
        }
        return out;
    }

    private byte[] internalError(Message query, Throwable e, boolean tcp) {
        counters.internalErrors.increment();
        System.getLogger(QueryHandler.class.getName()).log(System.Logger.Level.WARNING, "DNS query failed", e);
        try {
            return Forwarder.error(query, Rcode.SERVFAIL).toWire(tcp ? 0xFFFF : 512);
        } catch (RuntimeException again) {
            return null;
        }
    }

    /**
     * FORMERR for what has a header but does not parse: the client's id and opcode, no question
     * (we could not read it), so the client knows at once instead of timing out.
     */
    private byte[] formErr(byte[] wire) {
        counters.formErrors.increment();
        byte[] out = new byte[HEADER];
        out[0] = wire[0];
        out[1] = wire[1];
        out[2] = (byte) (0x80 | (wire[2] & 0x79)); // QR, the opcode and RD as asked
        out[3] = (byte) Rcode.FORMERR;
        return out;
    }

    private static Message bare(Message query, int rcode) {
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setOpcode(query.getHeader().getOpcode());
        if (query.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.getHeader().setRcode(rcode);
        if (query.getSection(Section.QUESTION).size() == 1) {
            r.addRecord(query.getQuestion(), Section.QUESTION);
        }
        return r;
    }

    private static int countOpt(Message m) {
        int n = 0;
        for (Record r : m.getSection(Section.ADDITIONAL)) {
            n += r.getType() == Type.OPT ? 1 : 0;
        }
        return n;
    }

    private static CompletableFuture<Message> done(Message m) {
        return CompletableFuture.completedFuture(m);
    }

    /** The upstreams changed: answers memoized from the old ones go. */
    void upstreamsChanged() {
        memo.forgetAll();
    }
}

package dev.weft.node.dns;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Sends what the mesh does not answer to the upstreams for its name, in order, the next one when
 * one times out or fails; answers are cached and identical questions in flight share one
 * upstream query. Each upstream query has its own random id (and dnsjava a random source port),
 * so a client's id never reaches the upstream and forged answers must guess both. dnsjava retries
 * a truncated upstream answer over TCP.
 */
final class Forwarder {
    private static final SecureRandom IDS = new SecureRandom();

    private volatile SplitRoutes routes; // replaced on reload; a query in flight keeps the routes it started with
    private final ResponseCache cache;
    private final Duration timeout;
    private final int udpPayload;
    private final Semaphore permits;
    private final DnsCounters counters;
    private final Map<ResponseCache.Key, CompletableFuture<Message>> inFlight = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, SimpleResolver> resolvers = new ConcurrentHashMap<>();

    Forwarder(SplitRoutes routes, ResponseCache cache, Duration timeout, int udpPayload, int maxInFlight, DnsCounters counters) {
        this.routes = routes;
        this.cache = cache;
        this.timeout = timeout;
        this.udpPayload = udpPayload;
        this.permits = new Semaphore(maxInFlight);
        this.counters = counters;
    }

    /** Sends later questions to other servers; answers cached from the old ones are forgotten. */
    void use(SplitRoutes next) {
        routes = next;
        cache.clear();
    }

    /** The response for {@code query} (one question, opcode QUERY) with the client's id and question, without OPT. */
    CompletableFuture<Message> forward(Message query) {
        Record question = query.getQuestion();
        List<InetSocketAddress> upstreams = routes.upstreamsFor(question.getName());
        if (upstreams.isEmpty()) {
            return CompletableFuture.completedFuture(error(query, Rcode.REFUSED));
        }
        OPTRecord opt = query.getOPT();
        boolean dnssecOk = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
        boolean cd = query.getHeader().getFlag(Flags.CD);
        ResponseCache.Key key = new ResponseCache.Key(question.getName(), question.getType(), question.getDClass(), dnssecOk, cd);
        Cached hit = cached(query, key);
        if (hit != null) {
            return CompletableFuture.completedFuture(hit.reply());
        }
        CompletableFuture<Message> shared = inFlight.get(key);
        if (shared == null) {
            if (!permits.tryAcquire()) {
                counters.forwardLimited.increment();
                return CompletableFuture.completedFuture(error(query, Rcode.SERVFAIL));
            }
            CompletableFuture<Message> mine = new CompletableFuture<>();
            shared = inFlight.putIfAbsent(key, mine);
            if (shared == null) {
                shared = mine;
                counters.forwarded.increment();
                ask(upstreams, 0, question, query.getHeader().getFlag(Flags.RD), cd, dnssecOk).whenComplete((response, e) -> {
                    inFlight.remove(key, mine);
                    permits.release();
                    if (response != null) {
                        cache.put(key, response);
                    } else {
                        counters.upstreamFailures.increment();
                    }
                    mine.complete(response); // null: every upstream failed
                });
            } else {
                permits.release();
            }
        }
        return shared.thenApply(response -> response == null ? error(query, Rcode.SERVFAIL) : reply(response, 0, query));
    }

    /** A reply from the cache and the ticker time until which it stays the same. */
    record Cached(Message reply, long sameUntilNanos) {}

    /** The reply to {@code query} from the cache, or null when it is not there (or no upstream serves its name). */
    Cached cached(Message query) {
        Record question = query.getQuestion();
        if (routes.upstreamsFor(question.getName()).isEmpty()) {
            return null;
        }
        return cached(query, key(query));
    }

    private Cached cached(Message query, ResponseCache.Key key) {
        var hit = cache.get(key);
        if (hit.isEmpty()) {
            return null;
        }
        counters.cacheHits.increment();
        return new Cached(reply(hit.get().message(), hit.get().ageSeconds(), query), hit.get().sameUntilNanos());
    }

    private static ResponseCache.Key key(Message query) {
        Record question = query.getQuestion();
        OPTRecord opt = query.getOPT();
        boolean dnssecOk = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
        return new ResponseCache.Key(question.getName(), question.getType(), question.getDClass(), dnssecOk,
                query.getHeader().getFlag(Flags.CD));
    }

    /** Upstream {@code i}'s answer, or the next's when it fails; null when all fail. */
    private CompletableFuture<Message> ask(List<InetSocketAddress> upstreams, int i, Record question, boolean rd, boolean cd,
            boolean dnssecOk) {
        Message q = new Message(IDS.nextInt(0x10000));
        if (rd) {
            q.getHeader().setFlag(Flags.RD);
        }
        if (cd) {
            q.getHeader().setFlag(Flags.CD);
        }
        q.addRecord(question, Section.QUESTION);
        q.addRecord(new OPTRecord(udpPayload, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        return resolver(upstreams.get(i)).sendAsync(q).toCompletableFuture().handle((response, e) -> {
            boolean failed = e != null || response.getHeader().getRcode() == Rcode.SERVFAIL
                    || response.getHeader().getRcode() == Rcode.REFUSED;
            if (failed && i + 1 < upstreams.size()) {
                return ask(upstreams, i + 1, question, rd, cd, dnssecOk);
            }
            // The last upstream's own SERVFAIL or REFUSED is passed on as it is: what the user would see asking it.
            return CompletableFuture.completedFuture(e != null ? null : response);
        }).thenCompose(f -> f);
    }

    private SimpleResolver resolver(InetSocketAddress upstream) {
        return resolvers.computeIfAbsent(upstream, a -> {
            SimpleResolver r = new SimpleResolver(a);
            r.setTimeout(timeout);
            return r;
        });
    }

    /** {@code upstream}'s answer for this client: its id and question, TTLs counted down by {@code age}, no OPT (ours is added later). */
    static Message reply(Message upstream, long age, Message query) {
        Message r = new Message(query.getHeader().getID());
        for (int flag : new int[] {Flags.QR, Flags.AA, Flags.RD, Flags.RA, Flags.AD, Flags.CD}) {
            if (upstream.getHeader().getFlag(flag)) {
                r.getHeader().setFlag(flag);
            }
        }
        r.getHeader().setRcode(upstream.getHeader().getRcode());
        r.addRecord(query.getQuestion(), Section.QUESTION);
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            for (Record rec : upstream.getSection(section)) {
                if (rec.getType() != Type.OPT) {
                    r.addRecord(age > 0 ? aged(rec, age, section) : rec, section);
                }
            }
        }
        return r;
    }

    static Message error(Message query, int rcode) {
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.getHeader().setFlag(Flags.RA);
        r.getHeader().setRcode(rcode);
        r.addRecord(query.getQuestion(), Section.QUESTION);
        return r;
    }

    /**
     * A copy of {@code rec} with its TTL lowered by {@code age}. Through the wire form, because
     * dnsjava has no public way to change a TTL, and this keeps the data exactly as the upstream sent it.
     */
    private static Record aged(Record rec, long age, int section) {
        byte[] wire = rec.toWire(section);
        int at = rec.getName().length() + 4;
        long ttl = Math.max(0, rec.getTTL() - age);
        wire[at] = (byte) (ttl >>> 24);
        wire[at + 1] = (byte) (ttl >>> 16);
        wire[at + 2] = (byte) (ttl >>> 8);
        wire[at + 3] = (byte) ttl;
        try {
            return Record.fromWire(wire, section);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a record dnsjava wrote did not read back", e);
        }
    }
}

package dev.weft.node.dns;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finished answers in wire form, by the query that produced them: a repeated question (the same
 * bytes but the id and the case of the name) is answered by copying bytes, without parsing the
 * query or building dnsjava messages. Only answers that are a pure function of the query bytes
 * and of what the memo checks are kept: mesh answers, tagged with the {@link MeshNames#version}
 * they were computed from, and answers from the response cache, valid until their TTLs would
 * count down another second or the cached entry expires. Bounded: at most {@link #MAX_ENTRIES}
 * answers of at most {@link #MAX_ANSWER} bytes, keyed by queries of at most {@link #MAX_QUERY}
 * bytes (about 7 MiB in all); when full it starts over.
 */
final class AnswerMemo {
    static final int MAX_ENTRIES = 4096;
    static final int MAX_ANSWER = 1232;
    /** Longer queries (many EDNS options, padding) always take the full path. */
    static final int MAX_QUERY = 512;
    private static final int MAX_NAME = 255;

    /** Where an answer came from, for the counters. */
    enum Source { MESH, CACHE }

    /** The query without its id, the name in lower case, and the transport (answers differ in truncation). */
    private record Key(byte[] bytes, int hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    record Hit(byte[] answer, Source source) {}

    private record Entry(byte[] answer, int questionEnd, Object version, long validUntilNanos, Source source) {}

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Ticker ticker;

    AnswerMemo(Ticker ticker) {
        this.ticker = ticker;
    }

    /**
     * The end of the question section of {@code wire} if it is a query with exactly one
     * uncompressed question the memo can key on; -1 otherwise (such queries always take the
     * slow path).
     */
    static int questionEnd(byte[] wire) {
        // The key is the query: a bound on it bounds the memo (a TCP query may be 64 KiB).
        if (wire.length < QueryHandler.HEADER + 5 || wire.length > MAX_QUERY || wire[4] != 0 || wire[5] != 1) {
            return -1;
        }
        int at = QueryHandler.HEADER;
        while (true) {
            int len = wire[at] & 0xFF;
            if (len == 0) {
                break;
            }
            if ((len & 0xC0) != 0 || at + 1 + len >= wire.length || at + 1 + len - QueryHandler.HEADER >= MAX_NAME) {
                return -1;
            }
            at += 1 + len;
        }
        int end = at + 1 + 4; // the root label, type and class
        return end <= wire.length ? end : -1;
    }

    /** Forgets every answer: the upstreams changed, and with them even a mesh answer's recursion-available flag. */
    void forgetAll() {
        entries.clear();
    }

    /** The memoized answer to {@code wire} (whose question ends at {@code questionEnd}), with its id and name as asked; null if none. */
    Hit lookup(byte[] wire, int questionEnd, boolean tcp, MeshNames mesh) {
        Entry e = entries.get(key(wire, questionEnd, tcp));
        if (e == null || e.questionEnd != questionEnd || ticker.read() - e.validUntilNanos >= 0
                || (e.source == Source.MESH && e.version != mesh.version())) {
            return null;
        }
        byte[] out = e.answer.clone();
        out[0] = wire[0];
        out[1] = wire[1];
        // The question as asked: same length and labels, only the case may differ.
        System.arraycopy(wire, QueryHandler.HEADER, out, QueryHandler.HEADER, questionEnd - QueryHandler.HEADER);
        return new Hit(out, e.source);
    }

    /**
     * Keeps {@code answer} for queries like {@code wire} until {@code validUntilNanos} (the
     * ticker's time) and, for a mesh answer, while the mesh is at {@code version}. Answers whose
     * question section is not the query's own are not kept.
     */
    void keep(byte[] wire, int questionEnd, boolean tcp, byte[] answer, Source source, Object version, long validUntilNanos) {
        if (answer == null || answer.length > MAX_ANSWER || answer.length < questionEnd || answer[4] != 0 || answer[5] != 1
                || (source == Source.MESH && version == null)) {
            return;
        }
        for (int i = QueryHandler.HEADER; i < questionEnd; i++) {
            if (lower(answer[i]) != lower(wire[i])) {
                return;
            }
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key(wire, questionEnd, tcp), new Entry(answer.clone(), questionEnd, version, validUntilNanos, source));
    }

    int size() {
        return entries.size();
    }

    private static Key key(byte[] wire, int questionEnd, boolean tcp) {
        byte[] k = new byte[wire.length - 1]; // without the id, plus one byte for the transport
        System.arraycopy(wire, 2, k, 0, wire.length - 2);
        for (int i = QueryHandler.HEADER - 2; i < questionEnd - 2 - 4; i++) {
            k[i] = lower(k[i]); // label length bytes are below 64: never changed
        }
        k[k.length - 1] = (byte) (tcp ? 1 : 0);
        return new Key(k, Arrays.hashCode(k));
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
}

package dev.weft.node.dns;

/**
 * Counters of a running {@link DnsServer} since it started.
 *
 * @param queries datagrams and TCP messages received
 * @param meshAnswers answered from the mesh (names in the domain, PTR of overlay addresses)
 * @param forwarded questions sent upstream (cache misses; identical questions in flight count once)
 * @param cacheHits answered from the cache
 * @param upstreamFailures questions every upstream failed (answered SERVFAIL)
 * @param forwardLimited answered SERVFAIL because too many upstream queries were in flight
 * @param rateLimited dropped by the per-source rate limit
 * @param formErrors answered FORMERR
 * @param dropped ignored: too short for a header, or a response rather than a query
 * @param truncated UDP answers sent with TC set
 * @param internalErrors queries that hit a bug (answered SERVFAIL; should stay 0)
 */
public record DnsStats(long queries, long meshAnswers, long forwarded, long cacheHits, long upstreamFailures,
        long forwardLimited, long rateLimited, long formErrors, long dropped, long truncated, long internalErrors) {}

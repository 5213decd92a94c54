package dev.weft.node.dns;

import java.util.concurrent.atomic.LongAdder;

/** What the server counts; {@link DnsServer#stats} reads them. */
final class DnsCounters {
    final LongAdder queries = new LongAdder();
    final LongAdder meshAnswers = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    final LongAdder cacheHits = new LongAdder();
    final LongAdder upstreamFailures = new LongAdder();
    final LongAdder forwardLimited = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder formErrors = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder truncated = new LongAdder();
    final LongAdder internalErrors = new LongAdder();

    DnsStats snapshot() {
        return new DnsStats(queries.sum(), meshAnswers.sum(), forwarded.sum(), cacheHits.sum(), upstreamFailures.sum(),
                forwardLimited.sum(), rateLimited.sum(), formErrors.sum(), dropped.sum(), truncated.sum(), internalErrors.sum());
    }
}

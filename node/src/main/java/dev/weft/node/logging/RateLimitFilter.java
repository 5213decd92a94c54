package dev.weft.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Marker;

/**
 * At most {@code burst} messages per logger in each window; the rest are counted and reported in
 * one line when the logger next speaks after the window. Events caused by packets (a peer sending
 * junk, a flood of handshakes) then cost a few lines, never one line per packet. Errors always
 * pass: they are rare by nature and must not hide. Keys are logger names, which the code fixes,
 * so the map stays small whatever arrives from the network.
 */
final class RateLimitFilter extends TurboFilter {
    /** The logger that reports suppressed messages; itself not limited (it speaks once per window and logger). */
    static final String REPORTER = "weft.log";

    private static final class Window {
        long start;
        int passed;
        long suppressed;
    }

    private final int burst;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    RateLimitFilter(int burst, long windowNanos, LongSupplier nanoClock) {
        this.burst = burst;
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        // is-enabled checks (no format) and levels that are off anyway are not messages
        if (format == null || level.isGreaterOrEqual(Level.ERROR) || !level.isGreaterOrEqual(logger.getEffectiveLevel())
                || logger.getName().equals(REPORTER)) {
            return FilterReply.NEUTRAL;
        }
        Window w = windows.computeIfAbsent(logger.getName(), k -> new Window());
        long now = nanoClock.getAsLong();
        long report = 0;
        boolean pass;
        synchronized (w) {
            if (w.passed == 0 || now - w.start >= windowNanos) {
                report = w.suppressed;
                w.start = now;
                w.passed = 0;
                w.suppressed = 0;
            }
            pass = w.passed < burst;
            if (pass) {
                w.passed++;
            } else {
                w.suppressed++;
            }
        }
        if (report > 0) {
            logger.getLoggerContext().getLogger(REPORTER).warn("{}: {} more messages were suppressed (at most {} per {} s)",
                    logger.getName(), report, burst, windowNanos / 1_000_000_000L);
        }
        return pass ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}

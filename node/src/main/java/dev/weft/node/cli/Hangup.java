package dev.weft.node.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;
import sun.misc.Signal;

/**
 * SIGHUP reloads a node's configuration, as service managers and users mean it. The JVM would
 * otherwise treat it like SIGTERM (shutdown hooks, exit 129) and drop every session.
 *
 * <p>The JDK has no supported API to handle a signal other than through shutdown hooks;
 * {@code sun.misc.Signal} (module {@code jdk.unsupported}, exported for this purpose) is the
 * one way, and this is its only use in weft.
 */
final class Hangup {
    static final String NOT_READY = "SIGHUP: the node is still starting; nothing was reloaded";

    private volatile Supplier<String> reload;

    private Hangup() {
    }

    /**
     * From now on a SIGHUP runs {@link #reloadWith}'s action and prints its one-line result on
     * {@code err}; before that it prints that the node is still starting. It never stops the node.
     */
    static Hangup install(PrintWriter err) {
        Hangup h = new Hangup();
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                Supplier<String> r = h.reload;
                String line;
                try {
                    line = r == null ? NOT_READY : r.get();
                } catch (RuntimeException e) { // a reload that fails must not take the node with it
                    line = "SIGHUP: reload failed: " + e.getMessage();
                }
                err.println("weft node: " + line);
                err.flush();
            });
        } catch (IllegalArgumentException e) {
            // the JVM keeps SIGHUP for itself (-Xrs, -XX:+ReduceSignalUsage): it still stops the node
            err.println("weft node: cannot handle SIGHUP (" + e.getMessage() + "); a SIGHUP will stop the node");
        }
        return h;
    }

    /** What a SIGHUP does once the node is up: a reload, described in one line. */
    void reloadWith(Supplier<String> action) {
        reload = action;
    }
}

package dev.weft.node.cli;

import java.io.PrintWriter;
import sun.misc.Signal;

/**
 * Keeps SIGHUP from stopping a node. The JVM treats SIGHUP like SIGTERM (it runs the shutdown
 * hooks and exits with 129), but service managers and users send it to mean "reload", and a node
 * that dies then drops every session. Until reload exists the node says so and keeps running.
 *
 * <p>The JDK has no supported API to handle a signal other than through shutdown hooks;
 * {@code sun.misc.Signal} (module {@code jdk.unsupported}, exported for this purpose) is the
 * one way, and this is its only use in weft.
 */
final class HangupNotice {
    static final String MESSAGE = "SIGHUP: reload is not supported yet; restart to apply config changes";

    private HangupNotice() {
    }

    /** From now on a SIGHUP prints one line on {@code err} instead of stopping the process. */
    static void install(PrintWriter err) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                err.println("weft node: " + MESSAGE);
                err.flush();
            });
        } catch (IllegalArgumentException e) {
            // the JVM keeps SIGHUP for itself (-Xrs, -XX:+ReduceSignalUsage): it still stops the node
            err.println("weft node: cannot handle SIGHUP (" + e.getMessage() + "); a SIGHUP will stop the node");
        }
    }
}

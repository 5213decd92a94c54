package dev.weft.node.daemon;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a node has started, in order, so that it is stopped in reverse: the admin socket goes
 * before the dataplane it reports on, and a start that fails halfway undoes exactly what it did.
 * A service that fails to close does not keep the others open.
 */
final class Services implements AutoCloseable {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private boolean closed;

    /** Records a started service; returns it. After {@link #close}, closes it at once and refuses. */
    synchronized <T extends AutoCloseable> T add(T service) {
        if (closed) {
            closeQuietly(service);
            throw new IllegalStateException("the node is stopping");
        }
        started.push(service);
        return service;
    }

    /** Closes every service, the last started first; failures are printed, never thrown. */
    @Override
    public synchronized void close() {
        closed = true;
        while (!started.isEmpty()) {
            closeQuietly(started.pop());
        }
    }

    private static void closeQuietly(AutoCloseable service) {
        try {
            service.close();
        } catch (Exception e) { // one service failing to stop must not leave the rest running
            System.err.println("weft node: stopping " + service.getClass().getSimpleName() + ": " + e);
        }
    }
}

package dev.weft.node.admin;

import java.io.IOException;
import java.nio.file.Path;

/** A live node already answers on the admin socket (a second node was started with the same one). */
public final class AdminSocketInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path socket;

    AdminSocketInUseException(Path socket) {
        super("admin socket " + socket + " is in use by a running node");
        this.socket = socket;
    }

    /** The socket in use. */
    public Path socket() {
        return socket;
    }
}

package dev.weft.node.admin;

import java.io.IOException;

/** The admin socket's directory is not the running user's own with mode 0700; the message says what to change. */
public final class AdminDirectoryException extends IOException {
    private static final long serialVersionUID = 1L;

    AdminDirectoryException(String message) {
        super(message);
    }
}

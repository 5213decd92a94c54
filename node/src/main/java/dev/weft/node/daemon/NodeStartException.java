package dev.weft.node.daemon;

/** The node refused to start; the message says why in one line for the user. */
public final class NodeStartException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A refusal with a complete message. */
    public NodeStartException(String message, Throwable cause) {
        super(message, cause);
    }
}

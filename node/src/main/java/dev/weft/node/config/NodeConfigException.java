package dev.weft.node.config;

/** A configuration was refused; the message starts with the key path, e.g. {@code listen.port: ...}. */
public final class NodeConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A refusal with a complete message. */
    public NodeConfigException(String message) {
        super(message);
    }
}

package dev.weft.dataplane.tun;

/** A TUN device operation failed; the message names the call and the errno. */
public final class TunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with a complete message. */
    public TunException(String message) {
        super(message);
    }
}

package dev.weft.dataplane.netlink;

/**
 * The kernel refused a netlink request (an {@code NLMSG_ERROR} with a negative errno), or the
 * socket failed. {@link #errno()} is the positive errno value (0 for a malformed reply).
 */
public final class NetlinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    /** An error for a request; the message names the request and the errno. */
    public NetlinkException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The positive errno (e.g. 17 for EEXIST), 0 when the reply was malformed. */
    public int errno() {
        return errno;
    }
}

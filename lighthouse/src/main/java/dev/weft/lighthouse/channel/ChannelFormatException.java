package dev.weft.lighthouse.channel;

/** A control datagram that does not follow the wire format; the message says which rule it broke. */
public final class ChannelFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ChannelFormatException(String message) {
        super(message, null, false, false); // thrown per malformed datagram: no stack trace to fill
    }
}

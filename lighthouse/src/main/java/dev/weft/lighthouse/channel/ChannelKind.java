package dev.weft.lighthouse.channel;

/**
 * The one-byte kind inside a sealed message. 0 is invalid. {@link #PING} and {@link #PONG} are
 * answered by the channel itself; every other kind goes to {@link ChannelListener#onMessage}, so
 * discovery, punching and relay code add kinds without changing the channel. Assigned here so
 * that two packages never pick the same number.
 */
public final class ChannelKind {
    /** A gossip (SWIM) packet. */
    public static final int GOSSIP = 1;
    /** Reachability probe; carries an 8-byte id and padding so that the pong is never larger. */
    public static final int PING = 2;
    /** Answer to a ping: the ping's id and the address the ping came from (the reflexive address). */
    public static final int PONG = 3;
    /** Reserved for call-me-maybe (punch now, to these endpoints). */
    public static final int CALL_ME_MAYBE = 4;
    /** Reserved for relay frames. */
    public static final int RELAY = 5;
    /** Reserved for queries to lighthouses and their answers. */
    public static final int QUERY = 6;
    public static final int QUERY_REPLY = 7;

    private ChannelKind() {
    }

    /** Whether {@code kind} fits the byte and is not 0. */
    public static boolean isValid(int kind) {
        return kind > 0 && kind <= 0xFF;
    }
}

package dev.weft.gossip;

/** A datagram that is not a well-formed gossip packet: dropped, never half-applied. */
public final class MalformedPacketException extends Exception {
  private static final long serialVersionUID = 1L;

  MalformedPacketException(String reason) {
    super(reason);
  }
}

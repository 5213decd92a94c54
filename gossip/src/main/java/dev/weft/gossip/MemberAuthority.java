package dev.weft.gossip;

/**
 * Signs this member's claims and checks other members' claims. In a node: the Ed25519 key of
 * its certificate, and the peers' certificates learned at hello time. Gossip verifies a claim
 * only when it would change state, so a flood of repeated claims costs no verification.
 */
public interface MemberAuthority {
  /** Signs {@code message} with this member's key. */
  byte[] sign(byte[] message);

  /** Whether {@code signature} over {@code message} was made by {@code signer}'s key. */
  boolean verify(NodeId signer, byte[] message, byte[] signature);

  /**
   * Whether {@code origin}'s certificate allows what its record payload claims (routes inside its
   * subnets, names it may use). Called after the signature verified.
   */
  default boolean allowsRecord(NodeId origin, byte[] payload) {
    return true;
  }
}

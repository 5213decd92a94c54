package dev.weft.gossip;

/**
 * What gossip knows of identities: it signs this member's claims and checks other members'.
 * A member's keys come from its certificate, which the authority learns in one of two ways: the
 * transport hands it over when the member itself talks to this one (the control channel's hello,
 * verified before any of the member's datagrams is delivered), or gossip fetches it from a member
 * that spoke of it ({@link #learn}). Until then the member's claims do not verify, and gossip
 * holds them (bounded) instead of acting on them.
 *
 * <p>Gossip verifies a claim only when it would change state, so a flood of repeated claims costs
 * no verification. Every method is called on the gossip thread.
 */
public interface MemberAuthority {
  /** Signs {@code message} with this member's key. */
  byte[] sign(byte[] message);

  /**
   * Whether {@code signature} over {@code message} was made by {@code signer}'s key; false when
   * {@code signer}'s certificate is unknown or revoked.
   */
  boolean verify(NodeId signer, byte[] message, byte[] signature);

  /**
   * Whether {@code origin}'s certificate allows what its record payload claims (routes inside its
   * subnets, names it may use). Called after the signature verified.
   */
  default boolean allowsRecord(NodeId origin, byte[] payload) {
    return true;
  }

  /** Whether a verified certificate for {@code member} is held (learned from its hello or fetched). */
  boolean knows(NodeId member);

  /** The certificate held for {@code member}, as it travels to members that ask; null when unknown. */
  byte[] certificate(NodeId member);

  /**
   * Verifies a certificate fetched for {@code member} (chain, validity, constraints, revocation,
   * and that its subject key is {@code member}) and, when it holds, binds the member's keys.
   * Returns whether it did; anything else changes nothing.
   */
  boolean learn(NodeId member, byte[] certificate);

  /**
   * Until when (wall-clock milliseconds) {@code member}'s certificate is valid: a forgotten
   * member's claims are refused below its high-water marks that long. {@link Long#MAX_VALUE}
   * when unknown.
   */
  long validUntil(NodeId member);

  /**
   * Verifies a CA-signed revocation against the trusted CAs and, when it holds, applies it: the
   * revoked member's certificate is forgotten and never learned again. Returns the revoked member,
   * or null when the revocation does not verify (malformed, unknown CA, bad signature).
   */
  NodeId revoke(byte[] revocation);

  /**
   * Verifies every certificate held again and forgets those that no longer verify (the trusted
   * CAs changed); returns their members. An authority whose trust never changes has none.
   */
  default java.util.List<NodeId> revalidate() {
    return java.util.List.of();
  }
}

package dev.weft.gossip;

/** What the node layer hears from gossip. Called on the scheduler's thread; keep it quick. */
public interface GossipListener {
  /** A member became alive (joined, or came back). */
  default void memberUp(NodeId id) {}

  /** A member was declared dead, or left ({@code state} says which). */
  default void memberDown(NodeId id, MemberState state) {}

  /** A CA-signed revocation ended this member's membership (it may be this member itself). */
  default void memberRevoked(NodeId id) {}

  /**
   * This member no longer trusts the CA of that member's certificate (its CA bundle changed): its
   * membership ended here, as by a revocation, and its claims and records are refused from now on.
   */
  default void memberDistrusted(NodeId id) {}

  /** A record arrived that is newer than what this member had. */
  default void recordChanged(Record record) {}
}

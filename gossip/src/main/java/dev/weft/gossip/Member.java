package dev.weft.gossip;

/** Another member as this member knows it: the claims it holds about it and its suspicion timer. */
final class Member {
  final NodeId id;
  MemberState state;
  long stateSince;
  /** The member's own signed alive at {@link #incarnation}. */
  Update.Alive alive;
  /** The suspect or dead claim behind {@link #state}, or null while alive. */
  Update accusation;
  Suspicion suspicion;
  /** When a packet from the member itself last arrived (-1: never), for {@link Transitions}' filter. */
  long heardAt = -1;

  Member(NodeId id, Update.Alive alive, long now) {
    this.id = id;
    this.alive = alive;
    this.state = MemberState.ALIVE;
    this.stateSince = now;
  }

  /**
   * The incarnation held for the member: its alive's (not a field of its own: a simulator holds
   * 10^8 members, and 8 bytes each is 0.8 GB).
   */
  long incarnation() {
    return alive.incarnation();
  }

  void cancelSuspicion() {
    if (suspicion != null) {
      suspicion.cancel();
      suspicion = null;
    }
  }
}

package dev.weft.gossip;

/** Another member as this member knows it: the claims it holds about it and its suspicion timer. */
final class Member {
  final NodeId id;
  long incarnation;
  MemberState state;
  long stateSince;
  /** The member's own signed alive at {@link #incarnation}. */
  Update.Alive alive;
  /** The suspect or dead claim behind {@link #state}, or null while alive. */
  Update accusation;
  Suspicion suspicion;

  Member(NodeId id, Update.Alive alive, long now) {
    this.id = id;
    this.incarnation = alive.incarnation();
    this.alive = alive;
    this.state = MemberState.ALIVE;
    this.stateSince = now;
  }

  void cancelSuspicion() {
    if (suspicion != null) {
      suspicion.cancel();
      suspicion = null;
    }
  }
}

package dev.weft.gossip;

/** A member's state as this member sees it. Later states override earlier ones at one incarnation. */
public enum MemberState {
  ALIVE,
  SUSPECT,
  DEAD,
  /** Left on purpose (graceful leave): not probed, not suspected. */
  LEFT;

  boolean isUp() {
    return this == ALIVE || this == SUSPECT;
  }
}

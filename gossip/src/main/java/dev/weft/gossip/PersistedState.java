package dev.weft.gossip;

import java.util.List;

/**
 * What a member should keep across restarts: its incarnation (so that its new announcements
 * override what others remember of it) and some members it knew (so that it can rejoin when
 * every seed is gone).
 */
public record PersistedState(long incarnation, List<NodeId> knownMembers) {
  public PersistedState {
    knownMembers = List.copyOf(knownMembers);
  }

  public static final PersistedState EMPTY = new PersistedState(0, List.of());
}

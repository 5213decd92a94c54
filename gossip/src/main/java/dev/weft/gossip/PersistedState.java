package dev.weft.gossip;

import java.util.List;

/**
 * What a member should keep across restarts: its incarnation (so that its new announcements
 * override what others remember of it), some members it knew (so that it can rejoin when every
 * seed is gone), and the CA-signed revocations it accepted (so that a revoked member stays out).
 */
public record PersistedState(long incarnation, List<NodeId> knownMembers, List<byte[]> revocations) {
  public PersistedState {
    knownMembers = List.copyOf(knownMembers);
    revocations = revocations.stream().map(byte[]::clone).toList();
  }

  public PersistedState(long incarnation, List<NodeId> knownMembers) {
    this(incarnation, knownMembers, List.of());
  }

  public static final PersistedState EMPTY = new PersistedState(0, List.of());
}

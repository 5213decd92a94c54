package dev.weft.gossip;

/** A member as this member sees it. */
public record MemberView(NodeId id, MemberState state, long incarnation) {}

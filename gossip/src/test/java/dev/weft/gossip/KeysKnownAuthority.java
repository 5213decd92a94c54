package dev.weft.gossip;

/** For tests of one part: every member's keys known, no certificates and no CA. */
abstract class KeysKnownAuthority implements MemberAuthority {
  @Override
  public boolean knows(NodeId member) {
    return true;
  }

  @Override
  public byte[] certificate(NodeId member) {
    return null;
  }

  @Override
  public boolean learn(NodeId member, byte[] certificate) {
    return false;
  }

  @Override
  public long validUntil(NodeId member) {
    return Long.MAX_VALUE;
  }

  @Override
  public NodeId revoke(byte[] revocation) {
    return null;
  }
}

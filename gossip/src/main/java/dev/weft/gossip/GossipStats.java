package dev.weft.gossip;

/** Counters for benchmarks and metrics. Written on the gossip thread only. */
public final class GossipStats {
  long packetsSent;
  long bytesSent;
  long packetsReceived;
  long malformed;
  long rejectedClaims;
  long alivesQueued;
  long suspectsQueued;
  long deadsQueued;
  long recordsQueued;
  long digestsSent;

  public long digestsSent() {
    return digestsSent;
  }

  /** Updates queued for dissemination, by kind: alive, suspect, dead, record. */
  public long[] updatesQueued() {
    return new long[] {alivesQueued, suspectsQueued, deadsQueued, recordsQueued};
  }

  public long packetsSent() {
    return packetsSent;
  }

  public long bytesSent() {
    return bytesSent;
  }

  public long packetsReceived() {
    return packetsReceived;
  }

  public long malformed() {
    return malformed;
  }

  public long rejectedClaims() {
    return rejectedClaims;
  }
}

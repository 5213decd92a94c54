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
  long revocationsQueued;
  long digestsSent;
  long unknownSenders;
  long claimsHeld;
  long claimsDropped;
  long certificatesLearned;
  long rangesRefused;
  long suspicionsWithdrawn;
  long suspicionsNotForwarded;

  /** Others' accusations not passed on because the suspect had just been heard from directly. */
  public long suspicionsNotForwarded() {
    return suspicionsNotForwarded;
  }

  /** Suspicions of this member's own withdrawn before anyone heard of them: the suspect answered a recheck. */
  public long suspicionsWithdrawn() {
    return suspicionsWithdrawn;
  }

  /** Range summaries not answered: their sender drew more than its budget of table scans. */
  public long rangesRefused() {
    return rangesRefused;
  }

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

  /** Datagrams dropped because the transport delivered them before the sender's certificate. */
  public long unknownSenders() {
    return unknownSenders;
  }

  /** Claims held until their signer's certificate arrived, and those dropped waiting. */
  public long claimsHeld() {
    return claimsHeld;
  }

  public long claimsDropped() {
    return claimsDropped;
  }

  /** Certificates fetched from other members and verified. */
  public long certificatesLearned() {
    return certificatesLearned;
  }

  public long rejectedClaims() {
    return rejectedClaims;
  }
}

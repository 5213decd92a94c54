package dev.weft.gossip;

/**
 * Lifeguard's dynamic suspicion timeout: it starts long and shrinks (logarithmically) towards the
 * minimum as independent members confirm the suspicion, so a member that only one slow accuser
 * doubts has long to refute, while a member everybody misses is declared dead quickly.
 */
final class Suspicion {
  private final int expectedConfirmations;
  private final long minMillis;
  private final long maxMillis;
  private final long startMillis;
  private final Scheduler scheduler;
  private final Runnable onTimeout;
  /** The accuser, then up to k confirmers: a few, so a scan beats a hash set (asked per packet). */
  private final NodeId[] confirmedBy;
  private int confirmations;
  private Scheduler.Cancellable timer;

  Suspicion(NodeId accuser, int k, long minMillis, long maxMillis, Scheduler scheduler, Runnable onTimeout) {
    this.expectedConfirmations = k;
    this.minMillis = minMillis;
    this.maxMillis = maxMillis;
    this.scheduler = scheduler;
    this.onTimeout = onTimeout;
    this.startMillis = scheduler.nowMillis();
    this.confirmedBy = new NodeId[k + 1];
    confirmedBy[0] = accuser; // the first accuser is not a confirmation of itself
    arm();
  }

  /** Another member suspects the same incarnation; returns whether it was a new confirmation. */
  boolean confirm(NodeId accuser) {
    if (confirmations >= expectedConfirmations || confirmedByAlready(accuser)) {
      return false;
    }
    confirmedBy[++confirmations] = accuser;
    timer.cancel();
    arm();
    return true;
  }

  /** Confirmations by members other than the first accuser so far. */
  int confirmations() {
    return confirmations;
  }

  boolean confirmedByAlready(NodeId accuser) {
    for (int i = 0; i <= confirmations; i++) {
      if (confirmedBy[i].equals(accuser)) {
        return true;
      }
    }
    return false;
  }

  void cancel() {
    timer.cancel();
  }

  long timeoutMillis() {
    if (expectedConfirmations < 1) {
      return minMillis;
    }
    double frac = Math.log(confirmations + 1.0) / Math.log(expectedConfirmations + 1.0);
    return Math.max(minMillis, (long) (maxMillis - frac * (maxMillis - minMillis)));
  }

  private void arm() {
    long remaining = Math.max(0, startMillis + timeoutMillis() - scheduler.nowMillis());
    timer = scheduler.schedule(remaining, onTimeout);
  }
}

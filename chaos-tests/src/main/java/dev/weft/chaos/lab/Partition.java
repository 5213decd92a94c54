package dev.weft.chaos.lab;

/** A cut between two ports of a segment; {@link #heal()} (or close) restores it. */
public final class Partition implements AutoCloseable {
  private final Segment segment;
  private final Link a;
  private final Link b;
  private boolean healed;

  Partition(Segment segment, Link a, Link b) {
    this.segment = segment;
    this.a = a;
    this.b = b;
  }

  /** Lets traffic between the two sides flow again. */
  public synchronized void heal() {
    if (!healed) {
      segment.heal(a, b);
      healed = true;
    }
  }

  @Override
  public void close() {
    heal();
  }

  @Override
  public String toString() {
    return "partition on " + segment.name() + " between " + a.node().name() + " and " + b.node().name();
  }
}

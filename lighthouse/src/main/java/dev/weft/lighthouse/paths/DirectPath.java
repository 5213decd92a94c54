package dev.weft.lighthouse.paths;

import java.net.InetSocketAddress;

/** One address a peer may be reached at directly, and what probing it found. Gossip thread only. */
final class DirectPath {
  /** A path is alive while its last pong is at most this old: two keepalives may be lost. */
  static final long ALIVE_NANOS = 5_500_000_000L;

  final InetSocketAddress address;
  final PathClass preference;
  private long lastPong = Long.MIN_VALUE;
  long lastPing = Long.MIN_VALUE;
  private double rttNanos = -1;
  private int pongs;

  DirectPath(InetSocketAddress address, PathClass preference) {
    this.address = address;
    this.preference = preference;
  }

  void pinged(long now) {
    lastPing = now;
  }

  /** A pong came back from this address: it works, this fast (smoothed, as TCP smooths its RTT). */
  void answered(long now, long rtt) {
    lastPong = now;
    rttNanos = rttNanos < 0 ? rtt : 0.8 * rttNanos + 0.2 * rtt;
    pongs++;
  }

  boolean alive(long now) {
    return lastPong != Long.MIN_VALUE && now - lastPong <= ALIVE_NANOS;
  }

  /** Pongs since this path was found; one lucky pong does not make a path worth moving to. */
  int pongs() {
    return pongs;
  }

  double rttNanos() {
    return rttNanos;
  }

  /** Preferred class first, then the shorter round trip. */
  boolean betterThan(DirectPath other) {
    if (preference != other.preference) {
      return preference.ordinal() < other.preference.ordinal();
    }
    return rttNanos < other.rttNanos;
  }

  /**
   * Whether to leave {@code current} (alive) for this path: a better class, or in the same class a
   * round trip clearly shorter (by 30 % and half a millisecond), so that jitter never flaps a
   * session between two paths.
   */
  boolean worthSwitchingFrom(DirectPath current) {
    if (this == current || pongs < 2) {
      return false;
    }
    if (preference != current.preference) {
      return preference.ordinal() < current.preference.ordinal();
    }
    return rttNanos < 0.7 * current.rttNanos - 500_000;
  }
}

package dev.weft.chaos.lab;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What crosses a segment between two addresses, counted on the segment's own bridge (so no node's firewall
 * or NAT can hide or fake it), and a switch that drops exactly that traffic. "Direct" is then a fact on the
 * wire: packets between two sites' public addresses, not what an overlay says about itself.
 *
 * <p>Besides all packets, it counts packets of at least {@link #BIG} bytes (IP length) separately: data
 * (a ping with a large payload) stands out from small control traffic such as punching probes and handshakes.
 */
public final class Wire implements AutoCloseable {
  /** The IP length from which a packet counts as big. */
  public static final int BIG = 1000;
  private static final Pattern COUNTER = Pattern.compile("packets (\\d+) bytes \\d+");

  private final Namespace sw;
  private final String table;
  private final InetAddress a;
  private final InetAddress b;
  private boolean cut;
  private boolean closed;

  /** Packets seen between the two addresses since the wire was made: each direction, all and big ones. */
  public record Count(long aToB, long bToA, long bigAToB, long bigBToA) {
    /** The packets counted since {@code earlier}. */
    public Count minus(Count earlier) {
      return new Count(aToB - earlier.aToB, bToA - earlier.bToA, bigAToB - earlier.bigAToB, bigBToA - earlier.bigBToA);
    }

    /** Packets both ways. */
    public long total() {
      return aToB + bToA;
    }

    /** The smaller of the two directions' big-packet counts: what made a round trip at most. */
    public long bigBothWays() {
      return Math.min(bigAToB, bigBToA);
    }
  }

  Wire(Namespace sw, String table, InetAddress a, InetAddress b) {
    if ((a instanceof Inet4Address) != (b instanceof Inet4Address)) {
      throw new IllegalArgumentException("a wire joins two addresses of one family: " + a + ", " + b);
    }
    this.sw = sw;
    this.table = table;
    this.a = a;
    this.b = b;
    apply();
  }

  /** The first address. */
  public InetAddress a() {
    return a;
  }

  /** The second address. */
  public InetAddress b() {
    return b;
  }

  /** The counts so far. */
  public synchronized Count count() {
    checkOpen();
    ExecResult r = sw.exec(java.util.List.of("nft", "list", "table", "bridge", table), Shell.DEFAULT_TIMEOUT).requireOk();
    return new Count(counter(r.stdout(), "ab"), counter(r.stdout(), "ba"), counter(r.stdout(), "bigab"),
        counter(r.stdout(), "bigba"));
  }

  /** Drops every packet between the two addresses (both ways) until {@link #heal()}; counting goes on. */
  public synchronized void cut() {
    checkOpen();
    cut = true;
    apply();
  }

  /** Lets packets between the two addresses pass again. */
  public synchronized void heal() {
    checkOpen();
    cut = false;
    apply();
  }

  /** Whether the wire is cut now. */
  public synchronized boolean isCut() {
    return cut;
  }

  /** Removes the counters and any cut. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      sw.exec(java.util.List.of("nft", "delete", "table", "bridge", table), Shell.DEFAULT_TIMEOUT);
    }
  }

  private static long counter(String listing, String name) {
    int at = listing.indexOf("counter " + name + " {");
    if (at < 0) {
      throw new LabException("no counter " + name + " in\n" + listing);
    }
    Matcher m = COUNTER.matcher(listing);
    if (!m.find(at)) {
      throw new LabException("counter " + name + " has no value in\n" + listing);
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * Named counters keep their values when the chain is flushed and filled again, so cutting and healing
   * never reset the counts. Priority -10: counted (and dropped) before the segment's own partition rules.
   */
  private void apply() {
    String family = a instanceof Inet4Address ? "ip" : "ip6";
    String length = a instanceof Inet4Address ? "ip length" : "ip6 length"; // ip6 length is the payload length
    int big = a instanceof Inet4Address ? BIG : BIG - 40;
    String ab = family + " saddr " + a.getHostAddress() + " " + family + " daddr " + b.getHostAddress();
    String ba = family + " saddr " + b.getHostAddress() + " " + family + " daddr " + a.getHostAddress();
    StringBuilder s = new StringBuilder();
    s.append("table bridge ").append(table).append(" {\n");
    for (String c : new String[] {"ab", "ba", "bigab", "bigba"}) {
      s.append("  counter ").append(c).append(" {}\n");
    }
    s.append("  chain forward { type filter hook forward priority -10; policy accept; }\n}\n");
    s.append("flush chain bridge ").append(table).append(" forward\n");
    s.append("table bridge ").append(table).append(" {\n  chain forward {\n");
    s.append("    ").append(ab).append(" counter name \"ab\"\n");
    s.append("    ").append(ba).append(" counter name \"ba\"\n");
    s.append("    ").append(ab).append(' ').append(length).append(" >= ").append(big).append(" counter name \"bigab\"\n");
    s.append("    ").append(ba).append(' ').append(length).append(" >= ").append(big).append(" counter name \"bigba\"\n");
    if (cut) {
      s.append("    ").append(ab).append(" drop\n");
      s.append("    ").append(ba).append(" drop\n");
    }
    s.append("  }\n}\n");
    sw.nft(s.toString());
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("wire " + table + " is closed");
    }
  }

  @Override
  public String toString() {
    return "wire " + a.getHostAddress() + " <-> " + b.getHostAddress() + (cut ? " (cut)" : "");
  }
}

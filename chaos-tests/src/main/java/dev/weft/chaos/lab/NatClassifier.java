package dev.weft.chaos.lab;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies the NAT between an inside node and the internet with UDP probes, in the manner of RFC 4787/5780
 * but with real sockets in the lab. Every probe uses fresh sockets, and the filtering probes come from
 * endpoints the inside socket has never contacted; otherwise conntrack state of earlier packets would make
 * every NAT look like a full cone.
 *
 * @param inside the node behind the NAT
 * @param server1 an outside node the inside socket contacts on two ports
 * @param server2 an outside node on another address, contacted on one port
 * @param stranger an outside node never contacted, for endpoint-independent filtering
 * @param dropWait how long to wait for a probe that may legitimately be dropped
 */
public record NatClassifier(Node inside, Node server1, Node server2, Node stranger, Duration dropWait) {
  private static final int MAX = 512;

  /** A classifier waiting 500 ms for probes that a NAT may drop. */
  public NatClassifier(Node inside, Node server1, Node server2, Node stranger) {
    this(inside, server1, server2, stranger, Duration.ofMillis(500));
  }

  /** Probes once (about a second when filtering is strict) and reports mapping and filtering. */
  public NatBehavior classify() {
    List<DatagramChannel> open = new ArrayList<>();
    try {
      DatagramChannel in = open(inside, open);
      DatagramChannel s1a = open(server1, open);
      DatagramChannel s1b = open(server1, open);
      DatagramChannel s1fresh = open(server1, open);
      DatagramChannel s2 = open(server2, open);
      DatagramChannel fresh = open(stranger, open);
      InetSocketAddress local =
          new InetSocketAddress(inside.ipv4(), ((InetSocketAddress) in.getLocalAddress()).getPort());

      InetSocketAddress m1 = observe(in, s1a, server1);
      InetSocketAddress m2 = observe(in, s1b, server1);
      InetSocketAddress m3 = observe(in, s2, server2);
      NatBehavior.Dependence mapping;
      if (m1.equals(m2) && m1.equals(m3)) {
        mapping = NatBehavior.Dependence.ENDPOINT_INDEPENDENT;
      } else if (m1.equals(m2)) {
        mapping = NatBehavior.Dependence.ADDRESS_DEPENDENT;
      } else {
        mapping = NatBehavior.Dependence.ADDRESS_AND_PORT_DEPENDENT;
      }

      NatBehavior.Dependence filtering;
      if (arrives(fresh, m1, in)) {
        filtering = NatBehavior.Dependence.ENDPOINT_INDEPENDENT;
      } else if (arrives(s1fresh, m1, in)) {
        filtering = NatBehavior.Dependence.ADDRESS_DEPENDENT;
      } else if (arrives(s1a, m1, in)) {
        filtering = NatBehavior.Dependence.ADDRESS_AND_PORT_DEPENDENT;
      } else {
        throw new LabException("even the contacted server cannot answer " + inside.name() + " at " + m1);
      }
      return new NatBehavior(local, m1, mapping, filtering);
    } catch (IOException e) {
      throw new LabException("NAT probe failed: " + e.getMessage(), e);
    } finally {
      for (DatagramChannel ch : open) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // Closing a UDP socket cannot lose anything.
        }
      }
    }
  }

  private static DatagramChannel open(Node node, List<DatagramChannel> open) {
    DatagramChannel ch = node.call(() -> DatagramChannel.open().bind(new InetSocketAddress("0.0.0.0", 0)));
    open.add(ch);
    return ch;
  }

  /** Sends from the inside socket to {@code server}; returns the source address the server saw. */
  private InetSocketAddress observe(DatagramChannel in, DatagramChannel server, Node serverNode) throws IOException {
    int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    InetSocketAddress to = new InetSocketAddress(serverNode.ipv4(), port);
    // A few tries: the first packet can wait for ARP on a busy machine; all go out through the same mapping.
    for (int attempt = 0; attempt < 5; attempt++) {
      in.send(ByteBuffer.wrap("probe".getBytes(StandardCharsets.US_ASCII)), to);
      DatagramPacket p = receive(server, Duration.ofMillis(400));
      if (p != null) {
        return (InetSocketAddress) p.getSocketAddress();
      }
    }
    throw new LabException(inside.name() + " cannot reach " + serverNode.name() + " at " + to);
  }

  /**
   * Whether a probe from {@code from} to the mapping reaches the inside socket. Each probe carries
   * its own tag and only that tag counts, so a late answer to an earlier probe on a loaded machine
   * cannot pass for this one.
   */
  private boolean arrives(DatagramChannel from, InetSocketAddress to, DatagramChannel in) throws IOException {
    String tag = "back-" + System.nanoTime();
    byte[] probe = tag.getBytes(StandardCharsets.US_ASCII);
    from.send(ByteBuffer.wrap(probe), to);
    from.send(ByteBuffer.wrap(probe), to);
    long deadline = System.nanoTime() + dropWait.toNanos();
    boolean got = false;
    while (!got) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      DatagramPacket p = receive(in, Duration.ofMillis(left));
      if (p == null) {
        break;
      }
      got = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII).equals(tag);
    }
    // Drain the duplicate so that it does not linger in the socket.
    while (got && receive(in, Duration.ofMillis(50)) != null) {
      // keep draining
    }
    return got;
  }

  private static DatagramPacket receive(DatagramChannel ch, Duration timeout) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[MAX], MAX);
    ch.socket().setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      ch.socket().receive(p);
      return p;
    } catch (SocketTimeoutException e) {
      return null;
    }
  }
}

package dev.weft.lighthouse.gossip;

import dev.weft.certs.NodeIdentity;
import dev.weft.gossip.CertificateDirectory;
import dev.weft.gossip.NodeId;
import dev.weft.gossip.Transport;
import dev.weft.lighthouse.channel.ChannelKind;
import dev.weft.lighthouse.channel.ControlChannel;
import dev.weft.lighthouse.channel.PeerInfo;
import dev.weft.lighthouse.discovery.MeshDirectory;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Gossip over the sealed control channel. A member the channel has verified gets the datagram
 * sealed, to the address its last message came from; a member known only through gossip (its
 * certificate fetched, its record naming where it may be reached) is first greeted with a hello
 * at its best known address, at most once a second, and the datagram is dropped meanwhile
 * (gossip copes with loss and sends again). Runs on the gossip thread.
 */
public final class ChannelTransport implements Transport {
  private static final long HELLO_INTERVAL_NANOS = 1_000_000_000L;

  private final ControlChannel channel;
  private final CertificateDirectory certificates;
  private final MeshDirectory members;
  private final LongSupplier nanoClock;
  private final Map<NodeId, Long> greeted = new HashMap<>();

  public ChannelTransport(ControlChannel channel, CertificateDirectory certificates, MeshDirectory members,
      LongSupplier nanoClock) {
    this.channel = channel;
    this.certificates = certificates;
    this.members = members;
    this.nanoClock = nanoClock;
  }

  @Override
  public void send(NodeId to, byte[] datagram) {
    NodeIdentity identity = certificates.identity(to);
    if (identity == null) {
      return;
    }
    Optional<PeerInfo> peer = channel.peer(to.bytes());
    if (peer.isPresent() && channel.send(identity, peer.get().address(), ChannelKind.GOSSIP, datagram)) {
      return;
    }
    InetSocketAddress address = address(to);
    if (address == null) {
      return;
    }
    long now = nanoClock.getAsLong();
    Long before = greeted.get(to);
    if (before == null || now - before >= HELLO_INTERVAL_NANOS) {
      if (greeted.size() > 65_536) {
        greeted.clear();
      }
      greeted.put(to, now);
      channel.hello(address);
    }
  }

  /** Where to greet a member the channel does not know yet: where it was heard from, else its first candidate. */
  private InetSocketAddress address(NodeId id) {
    MeshDirectory.Member m = members.get(id);
    if (m == null) {
      return null;
    }
    if (m.lastHeard() != null) {
      return m.lastHeard();
    }
    if (m.record() != null && !m.record().candidates().isEmpty()) {
      return m.record().candidates().get(0).address();
    }
    return null;
  }
}

package dev.weft.lighthouse.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.certs.CaConstraints;
import dev.weft.certs.CertificateAuthority;
import dev.weft.certs.CertificateVerifier;
import dev.weft.certs.NodeIdentity;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.Verdict;
import dev.weft.certs.WeftCertificate;
import dev.weft.dataplane.wireguard.PacketSink;
import dev.weft.dataplane.wireguard.WireGuardDevice;
import dev.weft.gossip.MemberState;
import dev.weft.gossip.NodeId;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.discovery.MeshDirectory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnDemandSessionsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final List<InetSocketAddress> sentTo = new ArrayList<>();
  private final List<Integer> sentTypes = new ArrayList<>();
  private long now = 1_000_000_000L;

  private final WireGuardDevice device = new WireGuardDevice(NodeKeys.generate(RANDOM).x25519Private(), new PacketSink() {
    @Override
    public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
      sentTo.add(to);
      sentTypes.add((int) datagram.getByte(datagram.readerIndex()));
      datagram.release();
    }

    @Override
    public void deliverPacket(ByteBuf ipPacket) {
      ipPacket.release();
    }
  });

  private static NodeIdentity identity(NodeKeys keys, String name, String ip) throws Exception {
    Instant at = Instant.now();
    CertificateAuthority ca = CertificateAuthority.create(
        new CertificateAuthority.CaRequest("t", CaConstraints.NONE, Duration.ofDays(2)), at.minusSeconds(60), RANDOM);
    WeftCertificate cert = ca.sign(new CertificateAuthority.NodeRequest(name, List.of(IpPrefix.parse(ip)), List.of(),
        List.of(), Duration.ofDays(1), keys.publicKeys()), at.minusSeconds(30), RANDOM);
    Verdict v = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate())), new RevocationSet()).verify(cert, at);
    return ((Verdict.Valid) v).identity();
  }

  private static ByteBuf packetTo(String destination) throws Exception {
    ByteBuf p = Unpooled.buffer(28);
    p.writeByte(0x45).writeByte(0).writeShort(28).writeInt(0).writeByte(64).writeByte(17).writeShort(0);
    p.writeBytes(InetAddress.getByName("100.64.0.1").getAddress()).writeBytes(InetAddress.getByName(destination).getAddress());
    p.writeLong(0);
    return p;
  }

  @Test
  void aPacketToAMembersOverlayAddressStartsASessionThatClosesWhenIdle() throws Exception {
    NodeKeys b = NodeKeys.generate(RANDOM);
    MeshDirectory directory = new MeshDirectory();
    NodeId id = NodeId.of(b.x25519Public());
    InetSocketAddress underlay = new InetSocketAddress(InetAddress.getByName("192.0.2.2"), 4242);
    directory.put(new MeshDirectory.Member(id, identity(b, "b", "100.64.0.2/10"), MemberState.ALIVE, 1, null, underlay));
    OnDemandSessions sessions = new OnDemandSessions(device, directory, () -> now, Duration.ofMinutes(5).toNanos(), 100);
    device.setRouteMissHandler(sessions);

    device.sendPacket(packetTo("100.64.0.2"));
    assertEquals(List.of(id), sessions.sessions());
    assertEquals(1, device.peers().size());
    assertEquals("100.64.0.2/32", device.peers().get(0).allowedIps().get(0).toString());
    assertEquals(List.of(underlay), sentTo, "one handshake initiation to where the member was heard from");
    assertEquals(List.of(1), sentTypes);

    device.sendPacket(packetTo("100.64.0.99")); // nobody's address
    assertEquals(1, sessions.unknownDestinations());
    assertEquals(1, device.counters().noRoute());

    sessions.closeIdle();
    assertEquals(1, device.peers().size(), "not idle yet");
    now += Duration.ofMinutes(6).toNanos();
    sessions.closeIdle();
    assertTrue(device.peers().isEmpty(), "idle session closed");
    assertEquals(1, sessions.idleClosed());

    device.sendPacket(packetTo("100.64.0.2"));
    assertEquals(1, device.peers().size(), "the next packet starts it again");
  }

  @Test
  void sessionsStartAtABoundedRateAndNeverForDeadMembers() throws Exception {
    MeshDirectory directory = new MeshDirectory();
    for (int i = 2; i < 12; i++) {
      NodeKeys k = NodeKeys.generate(RANDOM);
      directory.put(new MeshDirectory.Member(NodeId.of(k.x25519Public()), identity(k, "n" + i, "100.64.0." + i + "/10"),
          i == 11 ? MemberState.DEAD : MemberState.ALIVE, 1, null,
          new InetSocketAddress(InetAddress.getByName("192.0.2." + i), 4242)));
    }
    OnDemandSessions sessions = new OnDemandSessions(device, directory, () -> now, Duration.ofMinutes(5).toNanos(), 3);
    device.setRouteMissHandler(sessions);
    for (int i = 2; i < 12; i++) {
      device.sendPacket(packetTo("100.64.0." + i));
    }
    assertEquals(3, device.peers().size());
    assertEquals(6, sessions.rateLimited());
    assertEquals(1, sessions.unknownDestinations(), "the dead member");
  }
}

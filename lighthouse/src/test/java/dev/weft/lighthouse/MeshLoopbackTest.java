package dev.weft.lighthouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.certs.CaConstraints;
import dev.weft.certs.CertificateAuthority;
import dev.weft.certs.CertificateVerifier;
import dev.weft.certs.NodeIdentity;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.Revocation;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.Verdict;
import dev.weft.certs.WeftCertificate;
import dev.weft.dataplane.wireguard.PacketSink;
import dev.weft.dataplane.wireguard.WireGuardDevice;
import dev.weft.gossip.GossipConfig;
import dev.weft.gossip.MemberState;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.discovery.MeshDirectory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lighthouse and four nodes on loopback UDP sockets, each a real {@link Mesh} (control channel,
 * gossip, certificates): no peer configured anywhere, only the lighthouse's address. (The
 * namespace lab runs the same with real `weft node` processes and TUN devices.)
 */
class MeshLoopbackTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final List<Node> nodes = new ArrayList<>();
  private CertificateAuthority ca;
  private TrustBundle trust;
  @TempDir Path state;

  private final class Node {
    final String name;
    final NodeKeys keys = NodeKeys.generate(RANDOM);
    final WeftCertificate cert;
    final NodeIdentity identity;
    final DatagramChannel socket;
    final InetSocketAddress address;
    final WireGuardDevice device;
    final Thread reader;
    final RevocationSet revocations = new RevocationSet();
    Mesh mesh;

    Node(String name, int index, boolean lighthouse, List<InetSocketAddress> lighthouses) throws Exception {
      this.name = name;
      cert = ca.sign(new CertificateAuthority.NodeRequest(name, List.of(IpPrefix.parse("100.64.0." + index + "/10")),
          List.of(), List.of(), Duration.ofDays(1), keys.publicKeys()), Instant.now().minusSeconds(60), RANDOM);
      identity = ((Verdict.Valid) new CertificateVerifier(trust, new RevocationSet()).verify(cert, Instant.now())).identity();
      socket = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      address = (InetSocketAddress) socket.getLocalAddress();
      device = new WireGuardDevice(keys.x25519Private(), new PacketSink() {
        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
          datagram.release();
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
          ipPacket.release();
        }
      });
      start(lighthouse, lighthouses);
      reader = Thread.ofVirtual().start(this::read);
    }

    void start(boolean lighthouse, List<InetSocketAddress> lighthouses) {
      mesh = Mesh.start(new Mesh.Settings(keys, cert, trust, revocations, lighthouse, false, lighthouses,
          List.of(address), false, address.getPort(), "weft-test", state.resolve(name), Duration.ofMinutes(5),
          GossipConfig.defaults()), device, (datagram, to) -> {
            try {
              socket.send(ByteBuffer.wrap(datagram), to);
            } catch (IOException e) {
              // lost, as UDP may lose any
            }
          }, identity);
    }

    void read() {
      ByteBuffer buf = ByteBuffer.allocate(65536);
      while (socket.isOpen()) {
        try {
          buf.clear();
          InetSocketAddress from = (InetSocketAddress) socket.receive(buf);
          buf.flip();
          byte[] b = new byte[buf.remaining()];
          buf.get(b);
          Mesh m = mesh;
          if (m != null) {
            m.onControl(Unpooled.wrappedBuffer(b), from);
          }
        } catch (IOException e) {
          return;
        }
      }
    }

    long alive() {
      return mesh.members().stream().filter(m -> m.state() == MemberState.ALIVE).count();
    }

    MemberState stateOf(Node other) {
      for (MeshDirectory.Member m : mesh.members()) {
        if (m.name().equals(other.name)) {
          return m.state();
        }
      }
      return null;
    }

    void crash() throws IOException {
      socket.close(); // silent from now on, as after SIGKILL
    }
  }

  @AfterEach
  void close() throws IOException {
    for (Node n : nodes) {
      n.socket.close();
      n.mesh.close();
    }
  }

  @Test
  void nodesFindEachOtherThroughALighthouseDetectACrashAndEndARevokedMember() throws Exception {
    ca = CertificateAuthority.create(new CertificateAuthority.CaRequest("mesh", CaConstraints.NONE, Duration.ofDays(2)),
        Instant.now().minusSeconds(3600), RANDOM);
    trust = TrustBundle.of(List.of(ca.certificate()));
    Node lh = new Node("lh", 1, true, List.of());
    nodes.add(lh);
    for (int i = 2; i <= 5; i++) {
      nodes.add(new Node("n" + i, i, false, List.of(lh.address)));
    }
    await(() -> nodes.stream().allMatch(n -> n.alive() == 4), 20_000, "every node sees every other alive");
    // Every node learned where the others are from gossip alone.
    MeshDirectory.Member n5 = nodes.get(1).mesh.find("n5");
    assertEquals(nodes.get(4).address, n5.lastHeard() != null ? n5.lastHeard() : n5.record().candidates().get(0).address());
    Mesh.PingResult pong = nodes.get(1).mesh.ping(nodes.get(1).mesh.find("100.64.0.4")).get();
    assertEquals("n4", pong.name());
    assertEquals(nodes.get(3).address, pong.endpoint());

    Node victim = nodes.get(2);
    victim.crash();
    await(() -> nodes.stream().filter(n -> n != victim).allMatch(n -> n.stateOf(victim) == MemberState.DEAD), 15_000,
        "a crash is known everywhere within 15 s");

    Node revoked = nodes.get(4);
    byte[] revocation = Revocation.issue(ca.certificate(), ca.privateKey(), revoked.cert, Instant.now()).encoded();
    assertTrue(nodes.get(1).mesh.revoke(revocation));
    await(() -> nodes.stream().filter(n -> n != victim && n != revoked).allMatch(n -> n.stateOf(revoked) == null),
        10_000, "a revocation handed to one node ends the member everywhere");
  }

  private void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    StringBuilder b = new StringBuilder();
    for (Node n : nodes) {
      b.append("\n").append(n.name).append(": ");
      try {
        for (MeshDirectory.Member m : n.mesh.members()) {
          b.append(m.name()).append('=').append(m.state()).append(' ');
        }
      } catch (RuntimeException e) {
        b.append(e);
      }
    }
    assertTrue(condition.getAsBoolean(), what + " did not happen within " + millis + " ms" + b);
  }
}

package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.weft.certs.CaConstraints;
import dev.weft.certs.CertificateAuthority;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.Revocation;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.WeftCertificate;
import dev.weft.ip.IpPrefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Five members over real UDP sockets on loopback, with real time and real CA-signed certificates
 * ({@link CertificateDirectory}): each datagram carries its sender's certificate, standing in for
 * the control channel's hello (which in a node authenticates the sender once); the certificates of
 * members a member has not heard from directly are fetched through gossip.
 */
class LoopbackUdpTest {
  private static final Instant NOW = Instant.now();
  private final List<Member> members = new ArrayList<>();
  private final Map<NodeId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private CertificateAuthority ca;
  private TrustBundle trust;

  private final class Member {
    final NodeId id;
    final WeftCertificate certificate;
    final CertificateDirectory directory;
    final DatagramChannel channel;
    final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    final ExecutorScheduler scheduler = new ExecutorScheduler(executor);
    final Thread reader;
    Gossip gossip;

    Member(SecureRandom random, int index) throws Exception {
      NodeKeys keys = NodeKeys.generate(random);
      certificate = ca.sign(new CertificateAuthority.NodeRequest("n" + index,
          List.of(IpPrefix.parse("100.64.0." + (10 + index) + "/10")), List.of(), List.of(), Duration.ofDays(1),
          keys.publicKeys()), NOW.minusSeconds(60), random);
      directory = new CertificateDirectory(keys, certificate, trust, new RevocationSet(), Clock.systemUTC());
      id = directory.self();
      channel = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      addresses.put(id, (InetSocketAddress) channel.getLocalAddress());
      byte[] der = certificate.der();
      Transport transport = (to, datagram) -> {
        InetSocketAddress a = addresses.get(to);
        if (a == null) {
          return;
        }
        ByteBuffer b = ByteBuffer.allocate(32 + 2 + der.length + datagram.length)
            .put(id.bytes()).putShort((short) der.length).put(der).put(datagram).flip();
        try {
          channel.send(b, a);
        } catch (IOException e) {
          // a lost datagram, as UDP may lose any
        }
      };
      gossip = new Gossip(id, GossipConfig.defaults(), transport, scheduler, directory,
          new GossipListener() {}, new java.util.SplittableRandom(random.nextLong()), new ClaimInterner());
      reader = Thread.ofVirtual().start(this::readLoop);
    }

    void readLoop() {
      ByteBuffer buf = ByteBuffer.allocate(65536);
      while (channel.isOpen()) {
        try {
          buf.clear();
          channel.receive(buf);
          buf.flip();
          if (buf.remaining() < 34) {
            continue;
          }
          byte[] sender = new byte[32];
          buf.get(sender);
          int certLength = buf.getShort() & 0xffff;
          if (buf.remaining() < certLength) {
            continue;
          }
          byte[] cert = new byte[certLength];
          buf.get(cert);
          byte[] payload = new byte[buf.remaining()];
          buf.get(payload);
          NodeId from = NodeId.of(sender);
          scheduler.execute(() -> {
            if (directory.knows(from) || directory.introduce(from, cert)) { // the hello
              gossip.receive(from, payload);
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    }

    <T> T call(java.util.concurrent.Callable<T> c) throws Exception {
      return executor.submit(c).get(5, TimeUnit.SECONDS);
    }

    void close() throws IOException {
      executor.shutdownNow();
      channel.close();
    }
  }

  @AfterEach
  void close() throws IOException {
    for (Member m : members) {
      m.close();
    }
  }

  @Test
  void fiveMembersJoinShareRecordsDetectACrashAndEndARevokedMember() throws Exception {
    SecureRandom random = new SecureRandom();
    ca = CertificateAuthority.create(
        new CertificateAuthority.CaRequest("test", CaConstraints.NONE, Duration.ofDays(2)), NOW.minusSeconds(3600), random);
    trust = TrustBundle.of(List.of(ca.certificate()));
    for (int i = 0; i < 6; i++) {
      members.add(new Member(random, i));
    }
    Member seed = members.get(0);
    for (Member m : members) {
      List<NodeId> seeds = m == seed ? List.of() : List.of(seed.id);
      m.call(() -> {
        m.gossip.publish(("hello from " + m.id).getBytes());
        m.gossip.start(seeds, PersistedState.EMPTY);
        return null;
      });
    }
    await(() -> all(m -> m.gossip.liveCount() == 6 && m.gossip.records().live().size() == 6), 20_000, "join");
    long fetched = 0;
    for (Member m : members) {
      fetched += m.call(() -> m.gossip.stats().certificatesLearned());
    }
    assertTrue(fetched > 0, "no certificate was fetched through gossip");

    Member revoked = members.get(5);
    byte[] revocation = Revocation.issue(ca.certificate(), ca.privateKey(), revoked.certificate, Instant.now()).encoded();
    assertTrue(members.get(1).call(() -> members.get(1).gossip.revoke(revocation)));
    members.remove(revoked); // it keeps talking; the others drop what it sends
    await(() -> all(m -> m.gossip.stateOf(revoked.id) == null && m.gossip.liveCount() == 5), 20_000, "revocation");
    revoked.close();

    Member victim = members.get(3);
    victim.close();
    members.remove(victim);
    await(() -> all(m -> m.gossip.stateOf(victim.id) == MemberState.DEAD), 40_000, "crash detection");
    for (Member m : members) {
      assertEquals(0, (long) m.call(() -> m.gossip.stats().malformed()));
    }
  }

  interface Check {
    boolean test(Member m);
  }

  private boolean all(Check check) {
    for (Member m : members) {
      try {
        if (!m.call(() -> check.test(m))) {
          return false;
        }
      } catch (Exception e) {
        return false;
      }
    }
    return true;
  }

  private String describe() {
    StringBuilder b = new StringBuilder();
    for (Member m : members) {
      try {
        b.append(m.call(() -> "\n" + m.id + ": live " + m.gossip.liveCount() + ", records " + m.gossip.records().live().size()
            + ", received " + m.gossip.stats().packetsReceived() + ", sent " + m.gossip.stats().packetsSent()
            + ", malformed " + m.gossip.stats().malformed() + ", rejected " + m.gossip.stats().rejectedClaims()
            + ", claims held " + m.gossip.stats().claimsHeld() + ", dropped " + m.gossip.stats().claimsDropped()
            + ", lacks " + lacking(m)));
      } catch (Exception e) {
        b.append("\n").append(m.id).append(": ").append(e);
      }
    }
    return b.toString();
  }

  /** The members whose state or record {@code m} lacks, so that a failure names the gap. */
  private String lacking(Member m) {
    StringBuilder b = new StringBuilder("[");
    for (Member other : members) {
      boolean record = false;
      for (Record r : m.gossip.records().live()) {
        record |= r.origin().equals(other.id);
      }
      MemberState state = m.gossip.stateOf(other.id);
      if (!record || state != MemberState.ALIVE) {
        b.append(' ').append(other.id).append(" (").append(state).append(record ? ", record)" : ", no record)");
      }
    }
    return b.append(" ]").toString();
  }

  private void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    assertTrue(condition.getAsBoolean(), () -> what + " did not happen within " + millis + " ms; " + describe());
  }
}

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
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Five members over real UDP sockets on loopback, with real Ed25519 signatures and real time: the
 * messaging interface works outside the simulator. (Here the datagram's first 32 bytes name the
 * sender; in a node the sealed control channel authenticates it.)
 */
class LoopbackUdpTest {
  private final List<Member> members = new ArrayList<>();
  private final Map<NodeId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private final Map<NodeId, byte[]> signingKeys = new ConcurrentHashMap<>();

  private final class Member {
    final NodeId id;
    final byte[] ed25519;
    final DatagramChannel channel;
    final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    final ExecutorScheduler scheduler = new ExecutorScheduler(executor);
    final Thread reader;
    Gossip gossip;

    Member(SecureRandom random) throws IOException {
      id = NodeId.of(new X25519PrivateKeyParameters(random).generatePublicKey().getEncoded());
      Ed25519PrivateKeyParameters k = new Ed25519PrivateKeyParameters(random);
      ed25519 = k.getEncoded();
      signingKeys.put(id, k.generatePublicKey().getEncoded());
      channel = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      addresses.put(id, (InetSocketAddress) channel.getLocalAddress());
      Transport transport = (to, datagram) -> {
        InetSocketAddress a = addresses.get(to);
        if (a == null) {
          return;
        }
        ByteBuffer b = ByteBuffer.allocate(32 + datagram.length).put(id.bytes()).put(datagram).flip();
        try {
          channel.send(b, a);
        } catch (IOException e) {
          // a lost datagram, as UDP may lose any
        }
      };
      gossip = new Gossip(id, GossipConfig.defaults(), transport, scheduler, new Ed25519Authority(ed25519, signingKeys::get),
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
          if (buf.remaining() < 32) {
            continue;
          }
          byte[] sender = new byte[32];
          buf.get(sender);
          byte[] payload = new byte[buf.remaining()];
          buf.get(payload);
          NodeId from = NodeId.of(sender);
          scheduler.execute(() -> gossip.receive(from, payload));
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
  void fiveMembersJoinShareRecordsAndDetectACrash() throws Exception {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 5; i++) {
      members.add(new Member(random));
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
    await(() -> all(m -> m.gossip.liveCount() == 5 && m.gossip.records().live().size() == 5), 20_000, "join");

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
            + ", malformed " + m.gossip.stats().malformed() + ", rejected " + m.gossip.stats().rejectedClaims()));
      } catch (Exception e) {
        b.append("\n").append(m.id).append(": ").append(e);
      }
    }
    return b.toString();
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

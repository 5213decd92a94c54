package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.gossip.sim.SimCluster;
import dev.weft.gossip.sim.SimCluster.SimNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A member with a valid identity that lies. It may accuse, but it cannot make others accept
 * claims about incarnations nobody announced, sign for others, or leave on their behalf.
 */
class HostileMemberTest {
  /** Sends one hand-made packet from {@code liar} to every other member. */
  static void broadcastFrom(SimCluster c, SimNode liar, Update... updates) {
    byte[] packet = packet(liar, new Message.Push(false), updates);
    for (SimNode n : c.nodes()) {
      if (n != liar && n.isUp()) {
        n.gossip().receive(liar.id(), packet);
      }
    }
  }

  @Test
  void aForgedSuspectWithTheHighestIncarnationEvictsNobody() {
    SimCluster c = SimulationTest.cluster(30, 11);
    SimNode liar = c.node(3);
    SimNode target = c.node(7);
    var auth = signerOf(c, liar);
    long max = Long.MAX_VALUE;
    broadcastFrom(c, liar,
        new Update.Suspect(target.id(), max, liar.id(), auth.sign(Update.Suspect.signedBytes(target.id(), max, liar.id()))),
        new Update.Dead(target.id(), max, liar.id(), false, auth.sign(Update.Dead.signedBytes(target.id(), max, liar.id(), false))));
    c.run(60_000);
    assertEquals(1.0, c.fractionSeeing(target, MemberState.ALIVE));
    assertEquals(0, c.falseDeaths());
    long inc = target.gossip().incarnation();
    assertTrue(inc >= 0 && inc < 10, "the target was not pushed to a huge (or wrapped) incarnation: " + inc);
  }

  @Test
  void claimsSignedForSomeoneElseAreDropped() {
    SimCluster c = SimulationTest.cluster(30, 12);
    SimNode liar = c.node(3);
    SimNode target = c.node(7);
    var auth = signerOf(c, liar);
    long rejectedBefore = c.node(9).gossip().stats().rejectedClaims();
    // A leave "by" the target, and an alive of the target at a high incarnation, both signed by the liar.
    broadcastFrom(c, liar,
        new Update.Dead(target.id(), 0, target.id(), true, auth.sign(Update.Dead.signedBytes(target.id(), 0, target.id(), true))),
        new Update.Alive(target.id(), 1000, auth.sign(Update.Alive.signedBytes(target.id(), 1000))),
        new Update.RecordUpdate(Record.signed(target.id(), Long.MAX_VALUE, true, new byte[0], auth)));
    c.run(30_000);
    assertEquals(1.0, c.fractionSeeing(target, MemberState.ALIVE));
    assertTrue(c.node(9).gossip().stats().rejectedClaims() > rejectedBefore);
    assertTrue(c.node(9).gossip().records().get(target.id()).map(r -> !r.tombstone()).orElse(true));
  }

  @Test
  void aTargetOutbidsNeitherUnsignedNorFarFetchedAccusations() {
    SimCluster c = SimulationTest.cluster(30, 15);
    SimNode liar = c.node(3);
    SimNode target = c.node(7);
    var auth = signerOf(c, liar);
    long inc = target.gossip().incarnation();
    long rejected = target.gossip().stats().rejectedClaims();
    long far = inc + 1_000;
    broadcastFrom(c, liar,
        new Update.Suspect(target.id(), inc + 5, liar.id(), new byte[64]), // not signed by the liar
        new Update.Dead(target.id(), far, liar.id(), false, auth.sign(Update.Dead.signedBytes(target.id(), far, liar.id(), false))));
    assertEquals(inc, target.gossip().incarnation());
    assertEquals(rejected + 2, target.gossip().stats().rejectedClaims());
    c.run(30_000);
    assertEquals(1.0, c.fractionSeeing(target, MemberState.ALIVE));
  }

  @Test
  void anHonestAccusationAtTheCurrentIncarnationIsRefuted() {
    SimCluster c = SimulationTest.cluster(30, 13);
    SimNode liar = c.node(3);
    SimNode target = c.node(7);
    var auth = signerOf(c, liar);
    long inc = target.gossip().incarnation();
    broadcastFrom(c, liar,
        new Update.Suspect(target.id(), inc, liar.id(), auth.sign(Update.Suspect.signedBytes(target.id(), inc, liar.id()))));
    c.run(60_000);
    assertEquals(1.0, c.fractionSeeing(target, MemberState.ALIVE));
    assertEquals(inc + 1, target.gossip().incarnation());
  }

  @Test
  void garbageAndMisattributedPacketsAreCountedAndDropped() {
    SimCluster c = SimulationTest.cluster(5, 14);
    Gossip g = c.node(1).gossip();
    long before = g.stats().malformed();
    g.receive(c.node(2).id(), new byte[] {'W', 1, 2, 3});
    g.receive(c.node(2).id(), new byte[70_000]);
    Codec codec = new Codec(1000);
    byte[] fromThree = Codec.assemble(c.node(3).id(), codec.encodeMessage(new Message.Ack(1)), List.of());
    g.receive(c.node(2).id(), fromThree); // node 2 claiming to be node 3
    assertEquals(before + 3, g.stats().malformed());
  }

  /** Sends one hand-made packet from {@code liar} to {@code to}. */
  static void sendFrom(SimNode liar, SimNode to, Message message, Update... updates) {
    to.gossip().receive(liar.id(), packet(liar, message, updates));
  }

  /** A hand-made datagram from {@code liar}: one message and its piggybacked updates. */
  static byte[] packet(SimNode liar, Message message, Update... updates) {
    Codec codec = new Codec(1000);
    List<byte[]> us = new java.util.ArrayList<>();
    for (Update u : updates) {
      us.add(codec.encodeUpdate(u));
    }
    return Codec.assemble(liar.id(), codec.encodeMessage(message), us);
  }

  /** Hole: ~1,300 digests of 25 unsigned entries each pushed a member to the end of its incarnations. */
  @Test
  void unsignedAccusationsInDigestsDoNotMoveTheIncarnation() {
    SimCluster c = SimulationTest.cluster(30, 16);
    SimNode liar = c.node(3);
    SimNode target = c.node(7);
    var start = target.gossip().incarnation();
    for (int packet = 0; packet < 200; packet++) {
      var inc = target.gossip().incarnation();
      List<Message.DigestEntry> entries = new java.util.ArrayList<>();
      for (int i = 0; i < 25; i++) {
        entries.add(new Message.DigestEntry(target.id(), inc + (i == 0 ? 0 : 60_000 * i), MemberState.SUSPECT, -1));
      }
      sendFrom(liar, target, new Message.Digest(true, 1, entries));
    }
    c.run(30_000);
    assertTrue(target.gossip().incarnation() - start <= 2, "incarnation moved from " + start + " to " + target.gossip().incarnation());
    assertEquals(1.0, c.fractionSeeing(target, MemberState.ALIVE));
  }

  /** Hole: signed accusations up to 2^16 above were outbid, so a member could be walked to the end of its range. */
  @Test
  void signedAccusationsAboveTheIncarnationDoNotMoveIt() {
    SimCluster c = SimulationTest.cluster(30, 17);
    SimNode liar = c.node(3);
    SimNode target = c.node(7);
    var auth = signerOf(c, liar);
    var start = target.gossip().incarnation();
    for (int packet = 0; packet < 100; packet++) {
      var far = target.gossip().incarnation() + 60_000;
      sendFrom(liar, target, new Message.Push(false),
          new Update.Suspect(target.id(), far, liar.id(), auth.sign(Update.Suspect.signedBytes(target.id(), far, liar.id()))),
          new Update.Dead(target.id(), far + 1, liar.id(), false, auth.sign(Update.Dead.signedBytes(target.id(), far + 1, liar.id(), false))));
    }
    assertEquals(start, target.gossip().incarnation());
    c.run(30_000);
    assertEquals(1.0, c.fractionSeeing(target, MemberState.ALIVE));
    assertEquals(0, c.falseDeaths());
  }

  /** Hole: a restart at the end of the range overflowed {@code incarnation + 1}. */
  @Test
  void aRememberedIncarnationAtItsLimitIsRefusedNotWrapped() {
    SimCluster c = SimulationTest.cluster(5, 18);
    SimNode n = c.node(2);
    c.crash(n);
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> c.start(n, List.of(c.node(0)), new PersistedState(Long.MAX_VALUE, List.of())));
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
  }

  /** Hole: every unsolicited digest with chunk 0 was answered with a full digest (46 B per member). */
  @Test
  void repeatedDigestsFromOneMemberAreAnsweredOnce() {
    SimCluster c = SimulationTest.cluster(60, 19);
    SimNode liar = c.node(3);
    SimNode target = c.node(7);
    long before = target.gossip().stats().bytesSent();
    for (int i = 0; i < 100; i++) {
      sendFrom(liar, target, new Message.Digest(false, 0, List.of()));
    }
    long sent = target.gossip().stats().bytesSent() - before;
    // One full digest of 61 members is 3 datagrams, about 3 KB; 100 of them were 300 KB.
    assertTrue(sent < 4_000, "100 digests were answered with " + sent + " bytes");
  }

  @Test
  void aSenderWhoseCertificateIsUnknownGetsNothingBack() {
    SimCluster c = SimulationTest.cluster(20, 20);
    SimNode stranger = c.add(1).get(0); // never introduced: no hello, so no certificate
    SimNode target = c.node(7);
    long before = target.gossip().stats().bytesSent();
    Codec codec = new Codec(1000);
    target.gossip().receive(stranger.id(), Codec.assemble(stranger.id(), codec.encodeMessage(new Message.Digest(false, 0,
        List.of(new Message.DigestEntry(stranger.id(), 0, MemberState.ALIVE, -1)))), List.of()));
    assertEquals(before, target.gossip().stats().bytesSent());
    assertEquals(1, target.gossip().stats().unknownSenders());
  }

  /** Hole: after the horizon a replayed old alive or record brought a departed member back. */
  @Test
  void aForgottenMembersOldClaimsDoNotBringItBack() {
    SimCluster c = SimulationTest.cluster(20, 21);
    SimNode gone = c.node(5);
    gone.gossip().publish(new byte[] {9});
    c.run(5_000);
    // What a replayer captured while the member was there: its signed alive and record.
    var auth = gone.authorityForTests();
    long inc = gone.gossip().incarnation();
    Update.Alive oldAlive = new Update.Alive(gone.id(), inc, auth.sign(Update.Alive.signedBytes(gone.id(), inc)));
    Record oldRecord = c.node(1).gossip().records().get(gone.id()).orElseThrow();
    gone.gossip().leave();
    c.run(2_000);
    c.crash(gone);
    c.run(c.config().tombstoneHorizonMillis() + c.config().tombstoneHorizonMillis() / 5);
    assertEquals(1.0, c.fraction(gone, g -> g.stateOf(gone.id()) == null), "forgotten by everyone");
    broadcastFrom(c, c.node(3), oldAlive, new Update.RecordUpdate(oldRecord));
    c.run(30_000);
    assertEquals(1.0, c.fraction(gone, g -> g.stateOf(gone.id()) == null), "nobody took the replayed alive");
    assertEquals(1.0, c.fraction(gone, g -> g.records().get(gone.id()).isEmpty()), "nobody took the replayed record");
  }

  private static MemberAuthority signerOf(SimCluster c, SimNode n) {
    return n.authorityForTests();
  }
}

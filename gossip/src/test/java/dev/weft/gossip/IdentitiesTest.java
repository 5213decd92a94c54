package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.gossip.sim.SimCluster;
import dev.weft.gossip.sim.SimCluster.SimNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Identities learned as a node learns them: from a member's own hello, or fetched from whoever
 * spoke of it; CA-signed revocations that end a membership everywhere.
 */
class IdentitiesTest {
  @Test
  void membersFetchTheCertificatesOfMembersTheyHearOf() {
    SimCluster c = SimulationTest.cluster(50, 31);
    long learned = 0;
    for (SimNode n : c.nodes()) {
      learned += n.gossip().stats().certificatesLearned();
      for (SimNode m : c.nodes()) {
        assertTrue(c.knowsCertificate(n, m), n.id() + " knows no certificate of " + m.id());
      }
    }
    assertTrue(learned > 0, "all certificates came from hellos: nothing was fetched");
  }

  @Test
  void aClaimSignedByAnUnknownMemberChangesNothingUntilItsCertificateVerifies() {
    SimCluster c = SimulationTest.cluster(20, 32);
    SimNode liar = c.node(3);
    SimNode target = c.node(7);
    SimNode stranger = c.add(1).get(0); // holds a certificate, but has talked to nobody
    var auth = stranger.authorityForTests();
    Update.Alive alive = new Update.Alive(stranger.id(), 0, auth.sign(Update.Alive.signedBytes(stranger.id(), 0)));
    long held = target.gossip().stats().claimsHeld();
    HostileMemberTest.sendFrom(liar, target, new Message.Push(false), alive);
    assertNull(target.gossip().stateOf(stranger.id()));
    assertEquals(held + 1, target.gossip().stats().claimsHeld());
    // The liar answers the certificate fetch with something else than the certificate.
    HostileMemberTest.sendFrom(liar, target, new Message.CertPush(stranger.id(), new byte[550]));
    c.run(20_000);
    assertNull(target.gossip().stateOf(stranger.id()), "a claim whose certificate never verified changed state");
    assertFalse(c.knowsCertificate(target, stranger));
    // Once the stranger joins through someone, everybody learns its certificate and its alive.
    c.start(stranger, List.of(c.node(0)), PersistedState.EMPTY);
    assertTrue(c.runUntil(() -> c.fractionSeeing(stranger, MemberState.ALIVE) >= 1.0, 100, 30_000) >= 0);
    assertTrue(c.knowsCertificate(target, stranger));
  }

  /**
   * Members that join at the same moment: a member hears of a newcomer from a third before the
   * newcomer's own hello, and the certificate fetch's answer comes after that hello. The claims
   * held for the certificate must apply then, or the newcomer stays unknown here until a
   * push-pull (seen as a flake of {@code LoopbackUdpTest}: two members unknown to each other at
   * its 20-s join deadline).
   */
  @Test
  void claimsHeldForACertificateApplyWhenItsMembersHelloArrivesFirst() {
    SimCluster c = SimulationTest.cluster(20, 35);
    SimNode passer = c.node(3);
    SimNode target = c.node(7);
    SimNode newcomer = c.add(1).get(0);
    var auth = newcomer.authorityForTests();
    Update.Alive alive = new Update.Alive(newcomer.id(), 0, auth.sign(Update.Alive.signedBytes(newcomer.id(), 0)));
    HostileMemberTest.sendFrom(passer, target, new Message.Push(false), alive);
    assertNull(target.gossip().stateOf(newcomer.id()), "held until the certificate verifies");
    // The newcomer's own packet, with its hello, before any answer to the fetch; it carries no alive.
    c.deliver(newcomer, target, HostileMemberTest.packet(newcomer, new Message.Ping(1, target.id())));
    assertEquals(MemberState.ALIVE, target.gossip().stateOf(newcomer.id()), "the held alive was not applied");
  }

  @Test
  void aRevocationEndsMembershipEverywhereAndOutlivesRestarts() {
    SimCluster c = SimulationTest.cluster(30, 33);
    SimNode revoked = c.node(9);
    byte[] revocation = c.revocationOf(revoked);
    byte[] forged = revocation.clone();
    forged[0] ^= 1;
    assertFalse(c.node(2).gossip().revoke(forged), "a revocation the CA did not sign");
    assertTrue(c.node(2).gossip().revoke(revocation));
    assertFalse(c.node(2).gossip().revoke(revocation), "known already");
    long t = c.runUntil(() -> c.fraction(revoked, g -> g.stateOf(revoked.id()) == null) >= 1.0, 100, 30_000);
    assertTrue(t >= 0, "the revoked member is still a member somewhere");
    // The revoked member keeps talking; a member restarted from its persisted state stays clean.
    SimNode restarted = c.node(4);
    PersistedState kept = restarted.gossip().persistentState();
    assertEquals(1, kept.revocations().size());
    c.crash(restarted);
    c.start(restarted, List.of(revoked), kept);
    c.run(60_000);
    assertNull(restarted.gossip().stateOf(revoked.id()));
    assertEquals(1.0, c.fraction(revoked, g -> g.stateOf(revoked.id()) == null));
    assertEquals(29, restarted.gossip().liveCount(), "the restarted member rejoined everyone else");
  }

  @Test
  void aRevocationLearnedByPushPullReachesAMemberThatWasAway() {
    SimCluster c = SimulationTest.cluster(20, 34);
    SimNode away = c.node(6);
    SimNode revoked = c.node(9);
    c.partition(away, 1);
    c.node(2).gossip().revoke(c.revocationOf(revoked));
    c.run(30_000); // the piggybacked copies are spent by now
    assertEquals(0, away.gossip().revocationCount());
    c.healPartitions();
    assertTrue(c.runUntil(() -> away.gossip().revocationCount() == 1, 500, 600_000) >= 0, "push-pull did not repair it");
  }
}

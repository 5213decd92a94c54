package dev.weft.lighthouse.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.gossip.MemberState;
import dev.weft.gossip.NodeId;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.lighthouse.discovery.NodeRecord;
import dev.weft.lighthouse.discovery.NodeRecord.Candidate;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Path selection against a scripted network: what it pings, asks, requests and where it moves the session. */
class PathsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long MS = 1_000_000L;

  private final InetSocketAddress lan = new InetSocketAddress("192.0.2.34", 4242);
  private final InetSocketAddress reflexive = new InetSocketAddress("203.0.113.7", 4242);
  private final InetSocketAddress v6 = new InetSocketAddress("2001:db8::7", 4242);
  private final List<InetSocketAddress> pinged = new ArrayList<>();
  private final List<Endpoint> moves = new ArrayList<>();
  private int asks;
  private int relayRequests;
  private int relayReleases;
  private int relayPings;
  private final List<Long> birthdays = new ArrayList<>();
  private final List<InetSocketAddress> avoided = new ArrayList<>();
  private long now = 5_000 * MS;
  private NodeId peer;
  private MeshDirectory members;
  private Paths paths;

  private final Paths.Network network = new Paths.Network() {
    @Override
    public void ping(NodeId p, InetSocketAddress address) {
      pinged.add(address);
    }

    @Override
    public void askToPunch(NodeId p) {
      asks++;
    }

    @Override
    public boolean move(NodeId p, Endpoint endpoint) {
      moves.add(endpoint);
      return true;
    }

    @Override
    public boolean requestRelay(NodeId p, InetSocketAddress avoid) {
      relayRequests++;
      avoided.add(avoid);
      return true;
    }

    @Override
    public void pingRelayed(NodeId p, Endpoint.Relayed via) {
      relayPings++;
    }

    @Override
    public void releaseRelay(NodeId p) {
      relayReleases++;
    }

    @Override
    public void birthday(NodeId p) {
      birthdays.add(now);
    }
  };

  @BeforeEach
  void member() throws Exception {
    NodeKeys keys = NodeKeys.generate(RANDOM);
    peer = NodeId.of(keys.x25519Public());
    members = new MeshDirectory();
    NodeRecord record = new NodeRecord(List.of(new Candidate(lan, Candidate.Kind.LOCAL),
        new Candidate(reflexive, Candidate.Kind.REFLEXIVE)), EnumSet.noneOf(NodeRecord.Role.class), new byte[32],
        List.of(), new byte[0]);
    members.put(new MeshDirectory.Member(peer, identity(keys), MemberState.ALIVE, 1, record, null));
    paths = new Paths(members, network, () -> now, true);
  }

  private void advance(long millis) {
    for (long t = 0; t < millis; t += 50) {
      now += 50 * MS;
      paths.tick();
    }
  }

  @Test
  void birthdayProbingIsAskedForAgainWhileNothingAnswersAndNotOnceAPathDoes() {
    long start = now;
    paths.sessionStarted(peer);
    advance(40_000);
    List<Long> secondsIn = birthdays.stream().map(t -> (t - start) / 1_000 / MS).toList();
    assertEquals(List.of(1L, 5L, 15L, 33L), secondsIn, "1 s in, then 5.5, 15 and 33 s (the first spares closed at 31 s)");

    birthdays.clear();
    paths.sessionClosed(peer);
    paths.sessionStarted(peer);
    advance(1_200);
    assertEquals(1, birthdays.size());
    for (int second = 0; second < 40; second++) {
      paths.pong(peer, reflexive, 3 * MS); // the path answers its keepalives
      advance(1_000);
    }
    assertEquals(1, birthdays.size(), "a path answers: no more birthday probing");
  }

  @Test
  void aSessionPingsEveryCandidateAndAsksTheLighthousesAtOnce() {
    paths.sessionStarted(peer);
    assertEquals(List.of(lan, reflexive), pinged);
    assertEquals(1, asks);
    assertTrue(paths.report(peer).punching());
    paths.pong(peer, reflexive, 3 * MS);
    assertFalse(paths.report(peer).punching(), "found: no longer looking");
  }

  @Test
  void theFirstAnsweringPathCarriesTheSessionAndItsRelayIsReleasedOnceItHolds() {
    paths.sessionStarted(peer);
    assertEquals(1, relayRequests, "asked at once, in case no direct path answers");
    paths.relayOffered(peer, new Endpoint.Relayed(new InetSocketAddress("203.0.113.1", 4242), 7), "lh1");
    paths.pong(peer, reflexive, 3 * MS);
    assertEquals(new Endpoint.Direct(reflexive), moves.getLast());
    for (int i = 0; i < 16; i++) {
      advance(2_000);
      paths.pong(peer, reflexive, 3 * MS);
    }
    assertEquals(1, relayRequests);
    assertEquals(1, relayReleases, "direct for 30 s: the relay binding is given back");
    assertEquals(reflexive, paths.report(peer).direct());
  }

  @Test
  void withoutAnAnswerARelayIsAskedForAtOnceAndUsedThenLeftForTheDirectPath() {
    paths.sessionStarted(peer);
    assertEquals(1, relayRequests);
    advance(1_000);
    assertEquals(1, relayRequests, "asked again only after 3 s without an offer");
    Endpoint.Relayed relayed = new Endpoint.Relayed(new InetSocketAddress("203.0.113.1", 4242), 77);
    paths.relayOffered(peer, relayed, "lh1");
    assertEquals(List.of(relayed), moves);
    assertTrue(paths.report(peer).relayed());
    assertEquals("lh1", paths.report(peer).relay());

    paths.pong(peer, reflexive, 3 * MS);
    assertEquals(new Endpoint.Direct(reflexive), moves.getLast());
    assertFalse(paths.report(peer).relayed());
  }

  @Test
  void aDirectPathThatStopsAnsweringFallsBackToTheRelay() {
    paths.sessionStarted(peer);
    Endpoint.Relayed relayed = new Endpoint.Relayed(new InetSocketAddress("203.0.113.1", 4242), 77);
    paths.relayOffered(peer, relayed, "lh1");
    paths.pong(peer, reflexive, 3 * MS);
    assertEquals(new Endpoint.Direct(reflexive), moves.getLast());
    advance(5_000);
    assertEquals(new Endpoint.Direct(reflexive), moves.getLast(), "alive for 5.5 s after its last pong");
    advance(1_000);
    assertEquals(relayed, moves.getLast());
    // keepalives went to the chosen path meanwhile
    assertTrue(pinged.stream().filter(reflexive::equals).count() >= 3);
  }

  @Test
  void aLanPathWinsOverAFasterInternetPathButOnlyOnceItAnsweredTwice() {
    paths.sessionStarted(peer);
    paths.pong(peer, reflexive, 1 * MS);
    paths.pong(peer, lan, 5 * MS);
    assertEquals(new Endpoint.Direct(reflexive), moves.getLast(), "one pong is not enough to move");
    paths.pong(peer, lan, 5 * MS);
    assertEquals(new Endpoint.Direct(lan), moves.getLast());
  }

  @Test
  void aGlobalIpv6PathWinsOverTranslatedIpv4() {
    paths.sessionStarted(peer);
    paths.punchRequested(peer, List.of(v6));
    paths.pong(peer, reflexive, 1 * MS);
    paths.pong(peer, v6, 2 * MS);
    paths.pong(peer, v6, 2 * MS);
    assertEquals(new Endpoint.Direct(v6), moves.getLast());
  }

  @Test
  void withinAClassOnlyAClearlyShorterRoundTripMovesTheSession() {
    InetSocketAddress other = new InetSocketAddress("203.0.113.8", 4242);
    paths.sessionStarted(peer);
    paths.pong(peer, reflexive, 10 * MS);
    paths.pinged(peer, other);
    for (int i = 0; i < 5; i++) {
      paths.pong(peer, other, 9 * MS);
    }
    assertEquals(List.of(new Endpoint.Direct(reflexive)), moves, "9 ms against 10 ms is jitter, not a better path");
    for (int i = 0; i < 10; i++) {
      paths.pong(peer, other, 2 * MS);
    }
    assertEquals(new Endpoint.Direct(other), moves.getLast());
  }

  @Test
  void aPingFromAnUnknownAddressIsPingedBack() {
    InetSocketAddress peerReflexive = new InetSocketAddress("203.0.113.9", 31337);
    paths.sessionStarted(peer);
    pinged.clear();
    paths.pinged(peer, peerReflexive);
    assertEquals(List.of(peerReflexive), pinged);
    paths.pinged(peer, peerReflexive);
    assertEquals(1, pinged.size(), "known already: the punch rounds ping it");
  }

  @Test
  void punchingGoesOnForAMinuteWithBackoffAndAsksOnlyWhileNothingAnswers() {
    paths.sessionStarted(peer);
    advance(61_000);
    long rounds = paths.punchRounds();
    assertEquals(Paths.ROUNDS_MS.length, rounds);
    assertEquals(7, asks);
    assertFalse(paths.report(peer).punching());
    advance(30_000);
    assertTrue(paths.punchRounds() > rounds, "relayed: punching is tried again after 30 s");
  }

  @Test
  void aPunchAskedForWithoutASessionEndsWithItsAttempt() {
    paths.punchRequested(peer, List.of(reflexive));
    assertTrue(pinged.contains(reflexive));
    assertTrue(moves.isEmpty(), "no session: nothing to move");
    advance(61_000);
    assertNull(paths.report(peer));
    assertEquals(0, relayRequests);
  }

  @Test
  void aRelayThatStopsAnsweringIsGivenUpAndAnotherAskedFor() {
    paths.sessionStarted(peer);
    Endpoint.Relayed lh1 = new Endpoint.Relayed(new InetSocketAddress("203.0.113.1", 4242), 77);
    paths.relayOffered(peer, lh1, "lh1");
    assertEquals(lh1, moves.getLast());
    for (int i = 0; i < 3; i++) {
      advance(2_000);
      paths.relayPong(peer, lh1, 2 * MS);
    }
    assertTrue(relayPings >= 3, "pinged through the relay while it carries the session");
    assertEquals(2.0, paths.report(peer).rttMillis(), 1e-9, "the round trip through the relay is reported");
    assertEquals(1, relayRequests);
    advance(6_000);
    assertEquals(1, relayReleases, "silent for 5.5 s: released");
    assertEquals(2, relayRequests);
    assertEquals(lh1.relay(), avoided.getLast(), "and not asked again");
    Endpoint.Relayed lh2 = new Endpoint.Relayed(new InetSocketAddress("203.0.113.2", 4242), 78);
    paths.relayOffered(peer, lh2, "lh2");
    assertEquals(lh2, moves.getLast());
    assertEquals("lh2", paths.report(peer).relay());
  }

  @Test
  void aBrokenDirectPathStartsPunchingAgainAtOnce() {
    paths.sessionStarted(peer);
    for (int i = 0; i < 32; i++) { // the attempt runs out while the path answers its keepalives
      paths.pong(peer, reflexive, 3 * MS);
      advance(2_000);
    }
    long rounds = paths.punchRounds();
    assertFalse(paths.report(peer).punching());
    advance(6_000); // then it stops answering
    assertNull(paths.report(peer).direct());
    assertTrue(paths.punchRounds() > rounds, "punching restarted when the path broke");
  }

  @Test
  void anAddressInsideTheOverlayNeverBecomesAPath() {
    InetSocketAddress overlay = new InetSocketAddress("100.64.0.9", 4242);
    paths = new Paths(members, network, () -> now, true, a -> !a.equals(overlay));
    paths.sessionStarted(peer);
    pinged.clear();
    paths.pinged(peer, overlay); // a punch that came through the tunnel
    paths.pong(peer, overlay, MS);
    assertTrue(pinged.isEmpty());
    assertTrue(moves.stream().noneMatch(e -> e.address().equals(overlay)), moves.toString());
  }

  @Test
  void closingTheSessionReleasesItsRelay() {
    paths.sessionStarted(peer);
    paths.relayOffered(peer, new Endpoint.Relayed(new InetSocketAddress("203.0.113.1", 4242), 5), "lh1");
    paths.sessionClosed(peer);
    assertEquals(1, relayReleases);
    assertNull(paths.report(peer));
  }

  private static NodeIdentity identity(NodeKeys keys) throws Exception {
    Instant at = Instant.now();
    CertificateAuthority ca = CertificateAuthority.create(
        new CertificateAuthority.CaRequest("t", CaConstraints.NONE, Duration.ofDays(2)), at.minusSeconds(60), RANDOM);
    WeftCertificate cert = ca.sign(new CertificateAuthority.NodeRequest("b", List.of(IpPrefix.parse("100.64.0.2/10")),
        List.of(), List.of(), Duration.ofDays(1), keys.publicKeys()), at.minusSeconds(30), RANDOM);
    Verdict v = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate())), new RevocationSet()).verify(cert, at);
    return ((Verdict.Valid) v).identity();
  }
}

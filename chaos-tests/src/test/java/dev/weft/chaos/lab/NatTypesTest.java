package dev.weft.chaos.lab;

import static dev.weft.chaos.lab.NatBehavior.Dependence.ADDRESS_AND_PORT_DEPENDENT;
import static dev.weft.chaos.lab.NatBehavior.Dependence.ENDPOINT_INDEPENDENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Each NAT type behaves as declared, seen from outside by a classifier with fresh endpoints. */
@RequiresLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatTypesTest {
  private Lab lab;
  private Host s1;
  private Host s2;
  private Host stranger;
  private final Map<Nat, Host> inside = new EnumMap<>(Nat.class);
  private final Map<Nat, Router> routers = new EnumMap<>(Nat.class);

  @BeforeAll
  void buildOneLabForAllTypes() {
    lab = Lab.create();
    Segment inet = lab.internet();
    s1 = lab.host("s1", inet);
    s2 = lab.host("s2", inet);
    stranger = lab.host("stranger", inet);
    for (Nat nat : Nat.values()) {
      String name = nat.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      Router r = lab.router(name, inet, nat);
      routers.put(nat, r);
      inside.put(nat, lab.host("in-" + name, r.lan()));
    }
  }

  @AfterAll
  void close() {
    if (lab != null) {
      lab.close();
    }
  }

  private NatBehavior classify(Nat nat) {
    return new NatClassifier(inside.get(nat), s1, s2, stranger).classify();
  }

  @Test
  void noNatTranslatesNothingAndStillFilters() {
    NatBehavior b = classify(Nat.NONE);
    assertFalse(b.translated(), b.toString());
    assertEquals(ENDPOINT_INDEPENDENT, b.mapping(), b.toString());
    assertEquals(ADDRESS_AND_PORT_DEPENDENT, b.filtering(), b.toString());
  }

  @Test
  void portRestrictedKeepsOnePublicPortAndFiltersByAddressAndPort() {
    NatBehavior b = classify(Nat.PORT_RESTRICTED);
    assertTrue(b.translated());
    assertEquals(routers.get(Nat.PORT_RESTRICTED).publicIpv4(), b.mapped().getAddress());
    assertEquals(ENDPOINT_INDEPENDENT, b.mapping(), b.toString());
    assertEquals(ADDRESS_AND_PORT_DEPENDENT, b.filtering(), b.toString());
  }

  @Test
  void symmetricGivesAPortPerDestination() {
    NatBehavior b = classify(Nat.SYMMETRIC);
    assertTrue(b.translated());
    assertEquals(ADDRESS_AND_PORT_DEPENDENT, b.mapping(), b.toString());
    assertEquals(ADDRESS_AND_PORT_DEPENDENT, b.filtering(), b.toString());
  }

  @Test
  void fullConeAcceptsFromAnEndpointNeverContacted() {
    NatBehavior b = classify(Nat.FULL_CONE);
    assertTrue(b.translated());
    assertEquals(ENDPOINT_INDEPENDENT, b.mapping(), b.toString());
    assertEquals(ENDPOINT_INDEPENDENT, b.filtering(), b.toString());
  }

  @Test
  void cgnatShowsTheCarrierAddressAndBehavesLikePortRestricted() {
    NatBehavior b = classify(Nat.CGNAT);
    Router carrier = routers.get(Nat.CGNAT).upstreamRouter().orElseThrow();
    assertEquals(carrier.publicIpv4(), b.mapped().getAddress());
    assertNotEquals(routers.get(Nat.CGNAT).publicIpv4(), b.mapped().getAddress());
    assertEquals(ENDPOINT_INDEPENDENT, b.mapping(), b.toString());
    assertEquals(ADDRESS_AND_PORT_DEPENDENT, b.filtering(), b.toString());
  }

  @Test
  void classifyingTwiceGivesTheSameAnswer() {
    for (Nat nat : Nat.values()) {
      NatBehavior first = classify(nat);
      NatBehavior second = classify(nat);
      assertEquals(first.mapping(), second.mapping(), nat.name());
      assertEquals(first.filtering(), second.filtering(), nat.name());
    }
  }

  @Test
  void hairpinOnReachesALanNeighbourThroughThePublicAddressAndOffDoesNot() throws Exception {
    for (Nat nat : new Nat[] {Nat.PORT_RESTRICTED, Nat.FULL_CONE}) {
      for (Hairpin hairpin : Hairpin.values()) {
        String name = "hp-" + (nat == Nat.FULL_CONE ? "fc-" : "pr-") + hairpin.name().toLowerCase(java.util.Locale.ROOT);
        Router r = lab.router(name, lab.internet(), nat, hairpin);
        Host a1 = lab.host(name + "-1", r.lan());
        Host a2 = lab.host(name + "-2", r.lan());
        assertEquals(hairpin == Hairpin.ON, hairpinDelivers(a1, a2), name);
      }
    }
  }

  /** a2 opens a mapping by talking to s1; a1 then sends to that public endpoint. */
  private boolean hairpinDelivers(Host a1, Host a2) throws Exception {
    try (DatagramChannel server = s1.call(() -> DatagramChannel.open().bind(new InetSocketAddress(0)));
        DatagramChannel target = a2.call(() -> DatagramChannel.open().bind(new InetSocketAddress(0)));
        DatagramChannel sender = a1.call(() -> DatagramChannel.open().bind(new InetSocketAddress(0)))) {
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      target.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(s1.ipv4(), port));
      DatagramPacket seen = receive(server, 3000);
      assertTrue(seen != null, "a2 cannot reach s1");
      InetSocketAddress mapped = (InetSocketAddress) seen.getSocketAddress();
      for (int i = 0; i < 3; i++) {
        sender.send(ByteBuffer.wrap(new byte[] {2}), mapped);
      }
      DatagramPacket got = receive(target, 700);
      if (got != null) {
        // It came through the router: the source is the public address, not a1's own.
        assertEquals(mapped.getAddress(), ((InetSocketAddress) got.getSocketAddress()).getAddress());
      }
      return got != null;
    }
  }

  private static DatagramPacket receive(DatagramChannel ch, int millis) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[64], 64);
    ch.socket().setSoTimeout(millis);
    try {
      ch.socket().receive(p);
      return p;
    } catch (SocketTimeoutException e) {
      return null;
    }
  }
}

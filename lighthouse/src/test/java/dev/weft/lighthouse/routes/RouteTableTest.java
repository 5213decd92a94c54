package dev.weft.lighthouse.routes;

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
import dev.weft.gossip.MemberState;
import dev.weft.gossip.NodeId;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.lighthouse.discovery.NodeRecord;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Instant NOW = Instant.now();
  private final List<String> kernel = new ArrayList<>();
  private final RouteTable.Installer installer = new RouteTable.Installer() {
    @Override
    public void install(IpPrefix p) {
      kernel.add("+" + p);
    }

    @Override
    public void remove(IpPrefix p) {
      kernel.add("-" + p);
    }
  };
  private CertificateAuthority ca;
  private TrustBundle trust;

  private static IpPrefix p(String s) throws Exception {
    return IpPrefix.parse(s);
  }

  private MeshDirectory.Member member(String name, int i, MemberState state, List<String> subnets, List<String> routes)
      throws Exception {
    if (ca == null) {
      ca = CertificateAuthority.create(new CertificateAuthority.CaRequest("t", CaConstraints.NONE, Duration.ofDays(2)),
          NOW.minusSeconds(60), RANDOM);
      trust = TrustBundle.of(List.of(ca.certificate()));
    }
    NodeKeys k = NodeKeys.generate(RANDOM);
    List<IpPrefix> sub = new ArrayList<>();
    for (String s : subnets) {
      sub.add(p(s));
    }
    WeftCertificate cert = ca.sign(new CertificateAuthority.NodeRequest(name, List.of(p("100.64.0." + i + "/10")), List.of(),
        sub, Duration.ofDays(1), k.publicKeys()), NOW.minusSeconds(30), RANDOM);
    NodeIdentity id = ((Verdict.Valid) new CertificateVerifier(trust, new RevocationSet()).verify(cert, NOW)).identity();
    List<IpPrefix> adv = new ArrayList<>();
    for (String r : routes) {
      adv.add(p(r));
    }
    return new MeshDirectory.Member(NodeId.of(k.x25519Public()), id, state, 0,
        new NodeRecord(List.of(), Set.of(), new byte[32], adv), null);
  }

  @Test
  void oneLiveAdvertiserIsUsedTheOthersStandByAndAHijackIsRefused() throws Exception {
    NodeId self = NodeId.of(NodeKeys.generate(RANDOM).x25519Public());
    RouteTable t = new RouteTable(self, RouteTable.Policy.ALL, installer);
    var b = member("b", 2, MemberState.ALIVE, List.of("198.51.100.0/24"), List.of("198.51.100.0/24"));
    var a = member("a", 3, MemberState.ALIVE, List.of("198.51.100.0/24"), List.of("198.51.100.0/24"));
    var evil = member("evil", 4, MemberState.ALIVE, List.of(), List.of("198.51.100.128/25", "0.0.0.0/0"));
    var exit = member("exit", 6, MemberState.ALIVE, List.of("0.0.0.0/0"), List.of("0.0.0.0/0"));
    assertTrue(t.update(List.of(b, a, evil, exit)));
    assertEquals(List.of("+198.51.100.0/24"), kernel);
    assertEquals(a.id(), t.viaFor(InetAddress.getByName("198.51.100.7")), "the lowest name among the live advertisers");
    assertNull(t.viaFor(InetAddress.getByName("203.0.113.1")), "the hijacker's 0.0.0.0/0 was refused");
    assertEquals(List.of(p("198.51.100.0/24")), t.routedVia(a.id()));
    long refused = t.all().stream().filter(r -> r.state() == RouteTable.State.REFUSED).count();
    assertEquals(3, refused, t.all().toString());
    assertTrue(t.all().stream().anyMatch(r -> r.via().equals(exit.id()) && r.reason().contains("routes.exit_node")),
        "a default route is not installed without routes.exit_node, even when the certificate allows it");
    assertTrue(t.all().stream().anyMatch(r -> r.via().equals(b.id()) && r.state() == RouteTable.State.STANDBY));

    // a dies: b takes over, the kernel route stays
    assertTrue(t.update(List.of(b, a.with(MemberState.DEAD, 0), evil)));
    assertEquals(b.id(), t.viaFor(InetAddress.getByName("198.51.100.7")));
    assertEquals(List.of("+198.51.100.0/24"), kernel);
    // a suspect advertiser yields to an alive one
    var c = member("c", 5, MemberState.ALIVE, List.of("198.51.100.0/24"), List.of("198.51.100.0/24"));
    t.update(List.of(b.with(MemberState.SUSPECT, 0), c));
    assertEquals(c.id(), t.viaFor(InetAddress.getByName("198.51.100.7")));
    // all gone: the route goes
    assertTrue(t.update(List.of()));
    assertEquals(List.of("+198.51.100.0/24", "-198.51.100.0/24"), kernel);
    assertFalse(t.update(List.of()));
  }

  @Test
  void thePolicyDecidesWhatIsInstalled() throws Exception {
    NodeId self = NodeId.of(NodeKeys.generate(RANDOM).x25519Public());
    var a = member("a", 3, MemberState.ALIVE, List.of("198.51.100.0/24", "192.0.2.0/24"),
        List.of("198.51.100.0/24", "192.0.2.0/24"));
    RouteTable none = new RouteTable(self, new RouteTable.Policy(false, List.of(), List.of()), installer);
    none.update(List.of(a));
    assertTrue(kernel.isEmpty());
    assertTrue(none.all().stream().allMatch(r -> r.reason().equals("routes.accept is false")));

    RouteTable local = new RouteTable(self, new RouteTable.Policy(true, List.of(), List.of(p("192.0.2.0/24"))), installer);
    local.update(List.of(a));
    assertEquals(List.of("+198.51.100.0/24"), kernel, "a prefix overlapping a local network is not installed");
    kernel.clear();
    RouteTable listed = new RouteTable(self, new RouteTable.Policy(false, List.of(p("192.0.2.0/24")), List.of(p("192.0.2.0/24"))),
        installer);
    listed.update(List.of(a));
    assertEquals(List.of("+192.0.2.0/24"), kernel, "unless listed in routes.accept; and only what is listed");
  }

  @Test
  void anotherPolicyTakesEffectAtTheNextUpdateRemovingAndInstallingRoutes() throws Exception {
    NodeId self = NodeId.of(NodeKeys.generate(RANDOM).x25519Public());
    var a = member("a", 3, MemberState.ALIVE, List.of("198.51.100.0/24", "203.0.113.0/24"),
        List.of("198.51.100.0/24", "203.0.113.0/24"));
    RouteTable t = new RouteTable(self, RouteTable.Policy.ALL, installer);
    t.update(List.of(a));
    assertEquals(Set.of("+198.51.100.0/24", "+203.0.113.0/24"), Set.copyOf(kernel));
    kernel.clear();
    t.usePolicy(t.policy().withAccept(false, List.of()));
    assertTrue(t.update(List.of(a)), "the member used for the prefixes changed: none now");
    assertEquals(Set.of("-198.51.100.0/24", "-203.0.113.0/24"), Set.copyOf(kernel));
    assertTrue(t.all().stream().allMatch(r -> r.state() == RouteTable.State.REFUSED && r.reason().equals("routes.accept is false")));
    assertNull(t.viaFor(InetAddress.getByName("198.51.100.7")));
    assertEquals(List.of(), t.routedVia(a.id()));
    kernel.clear();
    t.usePolicy(t.policy().withAccept(false, List.of(p("203.0.113.0/24"))));
    t.update(List.of(a));
    assertEquals(List.of("+203.0.113.0/24"), kernel);
    assertEquals(List.of(p("203.0.113.0/24")), t.routedVia(a.id()));
    kernel.clear();
    t.usePolicy(t.policy().withAccept(true, List.of()));
    t.update(List.of(a));
    assertEquals(List.of("+198.51.100.0/24"), kernel, "the one still installed stays");
  }

  @Test
  void aDefaultRouteIsTakenOnlyFromTheExitNodeAndOnlyWhenItsCertificateAllowsIt() throws Exception {
    NodeId self = NodeId.of(NodeKeys.generate(RANDOM).x25519Public());
    var exit = member("exit", 2, MemberState.ALIVE, List.of("0.0.0.0/0", "::/0"), List.of("0.0.0.0/0", "::/0"));
    var other = member("other", 3, MemberState.ALIVE, List.of("0.0.0.0/0"), List.of("0.0.0.0/0"));
    var liar = member("liar", 4, MemberState.ALIVE, List.of("198.51.100.0/24"), List.of("0.0.0.0/0"));
    // Even routes.accept: false and a local network (which /0 overlaps) do not stop the opt-in.
    RouteTable t = new RouteTable(self, new RouteTable.Policy(false, List.of(), List.of(p("192.0.2.0/24")), "exit"), installer);
    assertTrue(t.update(List.of(other, exit, liar)));
    assertEquals(List.of("+0.0.0.0/0", "+::/0"), kernel.stream().sorted().toList());
    assertEquals(exit.id(), t.viaFor(InetAddress.getByName("203.0.113.1")));
    assertEquals(exit.id(), t.viaFor(InetAddress.getByName("2001:db8::1")));
    assertTrue(t.all().stream().anyMatch(r -> r.via().equals(other.id()) && r.state() == RouteTable.State.REFUSED
        && r.reason().equals("not routes.exit_node (exit)")), t.all().toString());
    assertTrue(t.all().stream().anyMatch(r -> r.via().equals(liar.id()) && r.reason().contains("certificate")));
    // Members' addresses are not the exit node's to carry: their own sessions must start on demand.
    assertNull(t.viaFor(InetAddress.getByName("100.64.0.99")));
    List<IpPrefix> carried = t.routedVia(exit.id());
    IpPrefix member = p("100.64.0.3/32");
    IpPrefix overlay = p("100.64.0.0/10");
    assertTrue(carried.stream().noneMatch(c -> c.contains(member) || overlay.contains(c)), carried.toString());
    for (String outside : List.of("203.0.113.1/32", "100.63.255.255/32", "100.128.0.0/32", "0.0.0.0/32", "255.255.255.255/32")) {
      IpPrefix o = p(outside);
      assertTrue(carried.stream().anyMatch(c -> c.contains(o)), outside + " in " + carried);
    }
    assertTrue(carried.contains(p("::/0")), "no IPv6 overlay among these members: all of ::/0");
    assertEquals(11, carried.size(), "10 prefixes around 100.64.0.0/10, and ::/0: " + carried);

    // The exit node's certificate does not allow it: nothing, whatever the config says.
    kernel.clear();
    var fake = member("exit", 5, MemberState.ALIVE, List.of("198.51.100.0/24"), List.of("0.0.0.0/0"));
    RouteTable u = new RouteTable(self, new RouteTable.Policy(true, List.of(), List.of(), "exit"), installer);
    u.update(List.of(fake));
    assertTrue(kernel.isEmpty());
    assertNull(u.viaFor(InetAddress.getByName("203.0.113.1")));

    // The exit node dies: the default route goes.
    t.update(List.of(other, exit.with(MemberState.DEAD, 0)));
    assertNull(t.viaFor(InetAddress.getByName("203.0.113.1")));
    assertTrue(kernel.contains("-0.0.0.0/0"));
  }
}

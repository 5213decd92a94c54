package dev.weft.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@RequiresLab
class TopologyTest {
  private static final Duration SECONDS_3 = Duration.ofSeconds(3);

  @Test
  void hostBehindNatPingsTheInternetButNotTheOtherWayRound(Lab lab) {
    Segment inet = lab.internet();
    Router home = lab.router("home", inet, Nat.PORT_RESTRICTED);
    Host a = lab.host("a", home.lan());
    Host b = lab.host("b", inet);

    a.ping(b.ipv4(), SECONDS_3);
    assertTrue(home.lan().ipv4().contains(a.ipv4()));
    assertTrue(inet.ipv4().contains(home.publicIpv4()));
    // The internet has no route into the LAN, and the router drops unsolicited packets to itself.
    assertFalse(b.canPing(a.ipv4(), Duration.ofSeconds(1)));
    assertFalse(b.canPing(home.publicIpv4(), Duration.ofSeconds(1)));
  }

  @Test
  void routedLanIsReachableOnlyForRepliesThroughTheStatefulFirewall(Lab lab) {
    Segment inet = lab.internet();
    Router office = lab.router("office", inet, Nat.NONE);
    Host a = lab.host("a", office.lan());
    Host b = lab.host("b", inet);
    a.ping(b.ipv4(), SECONDS_3);
    assertFalse(b.canPing(a.ipv4(), Duration.ofSeconds(1)), "unsolicited inbound must be dropped");
  }

  @Test
  void everyAddressIsFromTheDocumentationRangesAndNoNamespaceHasARouteOut(Lab lab) {
    Router home = lab.router("home", lab.internet(), Nat.CGNAT);
    Host a = lab.host("a", home.lan());
    Host b = lab.host("b", lab.internet());
    a.ping(b.ipv4(), SECONDS_3);
    for (Node n : List.of(home, home.upstreamRouter().orElseThrow(), a, b)) {
      for (Link l : n.links()) {
        String ip = l.ipv4().getHostAddress();
        assertTrue(ip.startsWith("192.0.2.") || ip.startsWith("198.51.100.") || ip.startsWith("203.0.113."), ip);
      }
      // Nothing but loopback, veths whose peers are in this run's namespaces, and the kernel's idle
      // fallback tunnels ("sit0@NONE"): no path to the root namespace.
      String links = n.exec("ip", "-o", "link").requireOk().stdout();
      for (String line : links.strip().split("\n")) {
        assertTrue(
            line.matches("\\d+: lo: .*") || line.contains(" link-netns " + lab.runId() + "-") || line.contains("@NONE:"),
            line);
      }
      // Every route leads out of one of the node's own lab links, and none is a default route
      // except through a lab router (hosts behind a NAT) - nothing points anywhere else.
      List<String> ownLinks = n.links().stream().map(Link::interfaceName).toList();
      for (String route : n.exec("ip", "route").requireOk().stdout().strip().split("\n")) {
        String dev = route.replaceAll(".* dev (\\S+).*", "$1");
        assertTrue(ownLinks.contains(dev), route + " leaves through " + dev + ", not one of " + ownLinks);
        if (route.startsWith("default")) {
          String via = route.replaceAll(".* via (\\S+).*", "$1");
          assertTrue(via.startsWith("192.0.2.") || via.startsWith("198.51.100.") || via.startsWith("203.0.113."), route);
        }
      }
    }
  }

  @Test
  void closeRemovesEveryNamespaceAndProcess() throws java.io.IOException {
    String runId;
    LabProcess sleeper;
    java.nio.file.Path socket;
    try (Lab lab = Lab.create()) {
      runId = lab.runId();
      Host h = lab.host("h", lab.internet());
      sleeper = h.start("sleeper", "sleep", "600");
      assertTrue(sleeper.isAlive());
      assertEquals(2, Leftovers.labNamespaces().stream().filter(n -> n.startsWith(runId + "-")).count());
      // what a SIGKILLed weft node leaves behind: its admin socket, named after the interface
      java.nio.file.Files.createDirectories(java.nio.file.Path.of("/run/weft"));
      socket = java.nio.file.Files.createFile(java.nio.file.Path.of("/run/weft", lab.interfaceName("wa") + ".sock"));
    }
    assertFalse(sleeper.isAlive());
    assertTrue(Leftovers.labNamespaces().stream().noneMatch(n -> n.startsWith(runId + "-")));
    assertFalse(java.nio.file.Files.exists(socket), "sockets named after the run's interfaces are removed");
  }

  @Test
  void leftoversOfDeadRunsAreRemovedAndLiveOnesKept() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    String deadNs = Leftovers.PREFIX + dead.pid() + "-zz99-crashed";
    String liveNs = Leftovers.PREFIX + ProcessHandle.current().pid() + "-zz98-alive";
    Shell.check(List.of("ip", "netns", "add", deadNs));
    Shell.check(List.of("ip", "netns", "add", liveNs));
    try {
      List<String> removed = Leftovers.removeDead();
      assertTrue(removed.contains(deadNs), removed.toString());
      assertTrue(Leftovers.labNamespaces().contains(liveNs));
      assertFalse(Leftovers.labNamespaces().contains(deadNs));
    } finally {
      Shell.run(List.of("ip", "netns", "del", deadNs));
      Shell.run(List.of("ip", "netns", "del", liveNs));
    }
  }

  @Test
  void namesAreCheckedAndInterfaceNamesFit(Lab lab) {
    assertThrows(IllegalArgumentException.class, () -> lab.host("Bad_Name", lab.internet()));
    lab.host("x", lab.internet());
    assertThrows(IllegalArgumentException.class, () -> lab.host("x", lab.internet()));
    String wg = lab.interfaceName("wg");
    assertTrue(wg.length() <= 15 && wg.startsWith("wg"), wg);
    assertFalse(wg.equals(lab.interfaceName("wg")));
  }
}

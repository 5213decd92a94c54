package dev.weft.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Programs inside hosts: start, capture, kill, restart; and the shared checks (stream, DNS, iperf3). */
@RequiresLab
class ProcessesAndChecksTest {

  @Test
  void processRunsInsideItsHostLogsAndSurvivesKillAndRestart(Lab lab) throws Exception {
    Host a = lab.host("a", lab.internet());
    LabProcess p = a.start("talker", "sh", "-c", "ip -o -4 addr show dev eth0; echo oops >&2; exec sleep 600");
    p.awaitOutput(a.ipv4().getHostAddress(), Duration.ofSeconds(10));
    p.awaitError("oops", Duration.ofSeconds(10));
    long firstPid = p.pid();
    p.kill();
    assertFalse(p.isAlive());
    p.restart();
    assertTrue(p.isAlive());
    assertNotEquals(firstPid, p.pid());
    p.awaitOutput("=== ", Duration.ofSeconds(1));
    assertEquals(2, p.stdout().lines().filter(l -> l.startsWith("=== ")).count(), p.stdout());
    // the restarted program itself ran again: its own output is there a second time
    p.awaitOutput(a.ipv4().getHostAddress(), 2, Duration.ofSeconds(10));
    assertEquals(2, p.occurrences(a.ipv4().getHostAddress()));
    assertTrue(lab.processLogs(20).contains("oops"));
    assertTrue(Files.exists(p.stdoutFile()));
  }

  @Test
  void hashedStreamCrossesANat(Lab lab) {
    Router home = lab.router("home", lab.internet(), Nat.SYMMETRIC);
    Host a = lab.host("a", home.lan());
    Host b = lab.host("b", lab.internet());
    StreamResult r = a.streamTo(b, b.ipv4(), 8_000_000, Duration.ofSeconds(60));
    assertTrue(r.intact(), r.toString());
    assertEquals(8_000_000, r.receivedBytes());
    System.out.printf("8 MB through a NAT: %.0f Mbit/s%n", r.bitsPerSecond() / 1e6);
  }

  @Test
  void dnsQueryAgainstARealUnbound(Lab lab) throws Exception {
    Host dns = lab.host("dns", lab.internet());
    Router home = lab.router("home", lab.internet(), Nat.PORT_RESTRICTED);
    Host a = lab.host("a", home.lan());
    Files.writeString(
        dns.dir().resolve("unbound.conf"),
        """
        server:
          interface: %s
          port: 53
          do-daemonize: no
          username: ""
          chroot: ""
          directory: "%s"
          pidfile: ""
          use-syslog: no
          logfile: ""
          do-ip6: no
          verbosity: 1
          access-control: 0.0.0.0/0 allow
          module-config: "iterator"
          local-zone: "lab.test." static
          local-data: "www.lab.test. IN A 192.0.2.99"
        remote-control:
          control-enable: no
        """
            .formatted(dns.ipv4().getHostAddress(), dns.dir()));
    LabProcess unbound = dns.start("unbound", "unbound", "-d", "-c", dns.dir().resolve("unbound.conf").toString());
    unbound.awaitError("start of service", Duration.ofSeconds(20));
    assertEquals(List.of("192.0.2.99"), a.dig(dns.ipv4(), "www.lab.test.", "A"));
  }

  @Test
  void iperf3MeasuresThroughARouter(Lab lab) {
    Router home = lab.router("home", lab.internet(), Nat.FULL_CONE);
    Host a = lab.host("a", home.lan());
    Host b = lab.host("b", lab.internet());
    LabProcess server = b.start("iperf3", "iperf3", "-s", "-1", "--forceflush", "-B", b.ipv4().getHostAddress());
    server.awaitOutput("Server listening", Duration.ofSeconds(10));
    ExecResult client =
        a.exec(List.of("iperf3", "-c", b.ipv4().getHostAddress(), "-t", "1", "-f", "m"), Duration.ofSeconds(20))
            .requireOk();
    String summary = client.stdout().lines().filter(l -> l.contains("sender")).findFirst().orElse(client.stdout());
    System.out.println("iperf3 through a full-cone NAT: " + summary.strip());
    assertTrue(summary.contains("Mbits/sec"), client.stdout());
  }
}

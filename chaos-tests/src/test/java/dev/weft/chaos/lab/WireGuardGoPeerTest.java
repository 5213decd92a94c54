package dev.weft.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real peer in the lab: two wireguard-go instances form a tunnel out of a NAT, overlay addresses inside. */
@RequiresLab
class WireGuardGoPeerTest {

  @Test
  void tunnelFromBehindANatCarriesAnIntactStream(Lab lab) {
    Router home = lab.router("home", lab.internet(), Nat.PORT_RESTRICTED);
    Host a = lab.host("a", home.lan());
    Host b = lab.host("b", lab.internet());
    String wgA = lab.interfaceName("wg");
    String wgB = lab.interfaceName("wg");
    String keyA = a.exec("wg", "genkey").requireOk().stdout().strip();
    String keyB = b.exec("wg", "genkey").requireOk().stdout().strip();
    // wireguard-go's UAPI socket lives in /var/run/wireguard/, shared by all namespaces: hence run-unique names.
    LabProcess goA = a.start("wireguard-go", "wireguard-go", "-f", wgA);
    LabProcess goB = b.start("wireguard-go", "wireguard-go", "-f", wgB);
    await(a, wgA, goA);
    await(b, wgB, goB);
    configure(a, wgA, keyA, pub(b, keyB), "100.64.0.1/10", "100.64.0.2/32",
        b.ipv4().getHostAddress() + ":51820");
    configure(b, wgB, keyB, pub(a, keyA), "100.64.0.2/10", "100.64.0.1/32", null);

    a.ping(Ipv4Subnet.of("100.64.0.0", 10).host(2), Duration.ofSeconds(10));
    b.ping(Ipv4Subnet.of("100.64.0.0", 10).host(1), Duration.ofSeconds(3)); // back through the NAT mapping
    StreamResult s = a.streamTo(b, Ipv4Subnet.of("100.64.0.0", 10).host(2), 2_000_000, Duration.ofSeconds(60));
    assertTrue(s.intact(), s.toString());
    System.out.printf("TCP over wireguard-go through a NAT: %.0f Mbit/s%n", s.bitsPerSecond() / 1e6);
  }

  private static String pub(Host h, String privateKey) {
    return h.exec(List.of("sh", "-c", "echo " + privateKey + " | wg pubkey"), Duration.ofSeconds(10))
        .requireOk().stdout().strip();
  }

  private static void await(Host h, String dev, LabProcess p) {
    for (int i = 0; i < 100; i++) {
      if (h.exec("ip", "link", "show", dev).ok()) {
        return;
      }
      assertTrue(p.isAlive(), p.tail(20));
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new LabException(dev + " did not appear\n" + p.tail(20));
  }

  private static void configure(
      Host h, String dev, String privateKey, String peer, String address, String allowed, String endpoint) {
    try {
      java.nio.file.Path key = h.dir().resolve(dev + ".key");
      java.nio.file.Files.writeString(key, privateKey + "\n");
      java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      String cmd = "wg set " + dev + " listen-port 51820 private-key " + key + " peer " + peer + " allowed-ips "
          + allowed + (endpoint == null ? "" : " endpoint " + endpoint + " persistent-keepalive 1");
      h.exec(List.of("sh", "-c", cmd), Duration.ofSeconds(10)).requireOk();
      h.exec("ip", "addr", "add", address, "dev", dev).requireOk();
      h.exec("ip", "link", "set", dev, "up").requireOk();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

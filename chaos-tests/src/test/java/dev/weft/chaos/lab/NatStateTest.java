package dev.weft.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** NAT mappings can be lost on purpose: a router "reboot" and short idle timeouts. */
@RequiresLab
class NatStateTest {

  @Test
  void mappingsVanishWhenTheRouterForgetsOrTimesOut(Lab lab) throws Exception {
    Router home = lab.router("home", lab.internet(), Nat.PORT_RESTRICTED);
    Host a = lab.host("a", home.lan());
    Host s = lab.host("s", lab.internet());
    try (DatagramChannel in = a.call(() -> DatagramChannel.open().bind(new InetSocketAddress(0)));
        DatagramChannel out = s.call(() -> DatagramChannel.open().bind(new InetSocketAddress(0)))) {
      InetSocketAddress server = new InetSocketAddress(s.ipv4(), ((InetSocketAddress) out.getLocalAddress()).getPort());

      InetSocketAddress mapped = open(in, out, server);
      answer(out, mapped);
      assertNotNull(receive(in, 2000), "the reply must pass while the mapping exists");

      home.forgetConnections();
      answer(out, mapped);
      assertNull(receive(in, 500), "after the reboot the mapping is gone");

      home.udpTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));
      mapped = open(in, out, server);
      answer(out, mapped);
      assertNotNull(receive(in, 2000));
      Thread.sleep(2500);
      answer(out, mapped);
      assertNull(receive(in, 500), "an idle mapping expires");
      assertEquals(home.publicIpv4(), mapped.getAddress());
    }
  }

  private static InetSocketAddress open(DatagramChannel in, DatagramChannel out, InetSocketAddress server)
      throws Exception {
    in.send(ByteBuffer.wrap(new byte[] {1}), server);
    DatagramPacket p = receive(out, 2000);
    assertNotNull(p, "the server must hear the inside host");
    return (InetSocketAddress) p.getSocketAddress();
  }

  private static void answer(DatagramChannel out, InetSocketAddress to) throws Exception {
    out.send(ByteBuffer.wrap(new byte[] {2}), to);
  }

  private static DatagramPacket receive(DatagramChannel ch, int millis) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[16], 16);
    ch.socket().setSoTimeout(millis);
    try {
      ch.socket().receive(p);
      return p;
    } catch (SocketTimeoutException e) {
      return null;
    }
  }
}

package dev.weft.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpAddressesTest {
  @Test
  void printsAddressesAsPrefixesPrintThem() throws Exception {
    assertEquals("100.64.0.12", IpAddresses.text(InetAddress.getByName("100.64.0.12")));
    assertEquals("fd00:77::c", IpAddresses.text(InetAddress.getByName("FD00:0077:0:0:0:0:0:000C")));
    assertEquals("2001:db8:0:1:1:1:1:1", IpAddresses.text(InetAddress.getByName("2001:db8:0:1:1:1:1:1")));
    assertEquals("2001:0:0:1::1", IpAddresses.text(InetAddress.getByName("2001:0:0:1:0:0:0:1")));
    assertEquals("::", IpAddresses.text(InetAddress.getByName("::")));
    assertEquals("fe80::1", IpAddresses.text(InetAddress.getByName("fe80::1%1")));
  }
}

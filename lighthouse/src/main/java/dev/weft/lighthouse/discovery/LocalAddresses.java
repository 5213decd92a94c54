package dev.weft.lighthouse.discovery;

import dev.weft.ip.IpPrefix;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The host's own addresses that other nodes might reach it at: every up interface's IPv4 and
 * IPv6 addresses except loopback, link-local, multicast and the overlay's own interface and
 * addresses (a node must never be told to reach another through the overlay itself).
 */
public final class LocalAddresses {
  private LocalAddresses() {}

  /** The networks of the host's interfaces other than {@code overlayInterface} and loopback (for route overlap checks). */
  public static List<IpPrefix> networks(String overlayInterface) {
    List<IpPrefix> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback() || nif.getName().equals(overlayInterface)) {
          continue;
        }
        for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
          InetAddress a = ia.getAddress();
          if (a.isLinkLocalAddress() || a.isLoopbackAddress()) {
            continue;
          }
          IpPrefix p = IpPrefix.of(a, ia.getNetworkPrefixLength()).network();
          if (!out.contains(p)) {
            out.add(p);
          }
        }
      }
    } catch (SocketException e) {
      return out;
    }
    return out;
  }

  public static List<InetAddress> find(String overlayInterface, Set<InetAddress> overlayAddresses) {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback() || nif.getName().equals(overlayInterface)) {
          continue;
        }
        for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
          InetAddress a = ia.getAddress();
          if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isMulticastAddress() || a.isAnyLocalAddress()
              || overlayAddresses.contains(a)) {
            continue;
          }
          if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            a = InetAddress.getByAddress(v6.getAddress()); // no scope on a global address
          }
          if (!out.contains(a)) {
            out.add(a);
          }
        }
      }
    } catch (SocketException | java.net.UnknownHostException e) {
      return out;
    }
    // IPv4 first, then IPv6, each in the order the kernel lists them: a stable order, so records
    // are not republished because enumeration order changed.
    List<InetAddress> sorted = new ArrayList<>();
    for (InetAddress a : out) {
      if (!(a instanceof Inet6Address)) {
        sorted.add(a);
      }
    }
    for (InetAddress a : out) {
      if (a instanceof Inet6Address) {
        sorted.add(a);
      }
    }
    return sorted;
  }
}

package dev.weft.certs;

import java.util.List;
import java.util.Optional;

/**
 * What a CA may sign for. An empty optional means "unconstrained"; a present list means only
 * what it names.
 */
public record CaConstraints(
    Optional<List<IpPrefix>> networks, Optional<List<String>> groups, Optional<List<IpPrefix>> subnets) {

  public static final CaConstraints NONE = new CaConstraints(Optional.empty(), Optional.empty(), Optional.empty());

  public CaConstraints {
    networks = networks.map(List::copyOf);
    groups = groups.map(List::copyOf);
    subnets = subnets.map(List::copyOf);
  }

  /** Refuses, with the first violation as reason, a node certificate's claims this CA does not allow. */
  void check(List<IpPrefix> nodeIps, List<String> nodeGroups, List<IpPrefix> nodeSubnets) throws CertsException {
    if (networks.isPresent()) {
      for (IpPrefix ip : nodeIps) {
        if (!coveredBy(ip, networks.get())) {
          throw new CertsException("IP " + ip + " is outside the CA's networks " + networks.get());
        }
      }
    }
    if (groups.isPresent()) {
      for (String g : nodeGroups) {
        if (!groups.get().contains(g)) {
          throw new CertsException("group '" + g + "' is not allowed by the CA (allowed: " + groups.get() + ")");
        }
      }
    }
    if (subnets.isPresent()) {
      for (IpPrefix s : nodeSubnets) {
        if (!coveredBy(s, subnets.get())) {
          throw new CertsException("subnet " + s + " is not allowed by the CA (allowed: " + subnets.get() + ")");
        }
      }
    }
  }

  private static boolean coveredBy(IpPrefix p, List<IpPrefix> allowed) {
    for (IpPrefix a : allowed) {
      if (a.contains(p)) {
        return true;
      }
    }
    return false;
  }
}

package dev.weft.certs;

import dev.weft.ip.IpPrefix;
import java.util.List;
import java.util.Optional;

/**
 * What a CA may sign for. An empty optional means "unconstrained"; a present list means only
 * what it names.
 *
 * <p>One exception, so that a CA limited to some networks cannot hand out routes to everything
 * (with several CAs trusted, any one of them would do): a CA that constrains {@code networks}
 * grants no subnets unless its {@code subnets} list them; {@link #ANY_SUBNET} ({@code 0.0.0.0/0}
 * and {@code ::/0}) is how such a CA grants any.
 */
public record CaConstraints(
    Optional<List<IpPrefix>> networks, Optional<List<String>> groups, Optional<List<IpPrefix>> subnets) {

  public static final CaConstraints NONE = new CaConstraints(Optional.empty(), Optional.empty(), Optional.empty());

  /** The subnets constraint that grants every subnet: {@code 0.0.0.0/0} and {@code ::/0}. */
  public static final List<IpPrefix> ANY_SUBNET =
      List.of(new IpPrefix(new byte[4], 0), new IpPrefix(new byte[16], 0));

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
    if (subnets.isEmpty() && networks.isPresent() && !nodeSubnets.isEmpty()) {
      throw new CertsException("subnet " + nodeSubnets.get(0) + " is not allowed: the CA limits networks and grants no"
          + " subnets (a CA grants them with --subnets, or any with --any-subnet)");
    }
    if (subnets.isPresent()) {
      for (IpPrefix s : nodeSubnets) {
        if (!coveredBy(s, subnets.get())) {
          throw new CertsException("subnet " + s + " is not allowed by the CA (allowed: " + subnets.get() + ")");
        }
      }
    }
  }

  /** The subnets this CA lets its nodes advertise: empty = any (see the class comment). */
  public Optional<List<IpPrefix>> grantedSubnets() {
    return subnets.isPresent() || networks.isEmpty() ? subnets : Optional.of(List.of());
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

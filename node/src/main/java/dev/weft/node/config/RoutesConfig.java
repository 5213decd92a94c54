package dev.weft.node.config;

import dev.weft.ip.IpPrefix;
import java.util.List;
import java.util.Optional;

/**
 * {@code routes}: the subnets this node advertises, and which advertised subnets it installs.
 *
 * @param advertise {@code routes.advertise} (default none): prefixes behind this node (its VMs,
 *     containers, pods); each must lie inside the certificate's subnets
 * @param acceptAll {@code routes.accept: true} (the default) installs every allowed prefix;
 *     {@code false} installs none
 * @param acceptOnly {@code routes.accept: [CIDR, …]}: only prefixes inside these (and these even
 *     when they overlap the host's own networks)
 * @param exitNode {@code routes.exit_node} (default none): the member whose default routes
 *     ({@code 0.0.0.0/0}, {@code ::/0}) this node uses, when that member's certificate allows them
 */
public record RoutesConfig(List<IpPrefix> advertise, boolean acceptAll, List<IpPrefix> acceptOnly, Optional<String> exitNode) {
    /** Advertises nothing, installs every allowed prefix, no exit node. */
    public static final RoutesConfig DEFAULT = new RoutesConfig(List.of(), true, List.of());

    public RoutesConfig {
        advertise = List.copyOf(advertise);
        acceptOnly = List.copyOf(acceptOnly);
        java.util.Objects.requireNonNull(exitNode, "exitNode");
    }

    /** Without an exit node. */
    public RoutesConfig(List<IpPrefix> advertise, boolean acceptAll, List<IpPrefix> acceptOnly) {
        this(advertise, acceptAll, acceptOnly, Optional.empty());
    }
}

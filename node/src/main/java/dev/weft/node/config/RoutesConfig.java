package dev.weft.node.config;

import dev.weft.certs.IpPrefix;
import java.util.List;

/**
 * {@code routes}: the subnets this node advertises, and which advertised subnets it installs.
 *
 * @param advertise {@code routes.advertise} (default none): prefixes behind this node (its VMs,
 *     containers, pods); each must lie inside the certificate's subnets
 * @param acceptAll {@code routes.accept: true} (the default) installs every allowed prefix;
 *     {@code false} installs none
 * @param acceptOnly {@code routes.accept: [CIDR, …]}: only prefixes inside these (and these even
 *     when they overlap the host's own networks)
 */
public record RoutesConfig(List<IpPrefix> advertise, boolean acceptAll, List<IpPrefix> acceptOnly) {
    /** Advertises nothing, installs every allowed prefix. */
    public static final RoutesConfig DEFAULT = new RoutesConfig(List.of(), true, List.of());

    public RoutesConfig {
        advertise = List.copyOf(advertise);
        acceptOnly = List.copyOf(acceptOnly);
    }
}

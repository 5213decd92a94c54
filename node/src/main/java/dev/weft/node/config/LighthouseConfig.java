package dev.weft.node.config;

import java.util.List;

/**
 * {@code lighthouse}: whether this node is a lighthouse (a gossip seed that tells nodes the
 * address it sees them from), and the underlay addresses of the lighthouses it registers with.
 *
 * @param amLighthouse {@code lighthouse.am_lighthouse} (default false)
 * @param hosts {@code lighthouse.hosts} (default none), in the order given, no duplicates
 */
public record LighthouseConfig(boolean amLighthouse, List<HostPort> hosts) {
    /** Not a lighthouse, and no lighthouses to register with. */
    public static final LighthouseConfig NONE = new LighthouseConfig(false, List.of());

    /** Copies the list. */
    public LighthouseConfig {
        hosts = List.copyOf(hosts);
    }
}

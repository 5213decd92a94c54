package dev.weft.node.config;

import java.net.InetSocketAddress;

/**
 * {@code metrics}: where {@code /metrics} is served in the Prometheus text format.
 *
 * @param listen {@code metrics.listen}: a literal address and port, or null when metrics are off
 *     (the default: nothing listens unless asked)
 */
public record MetricsConfig(InetSocketAddress listen) {
    /** The default: no metrics endpoint. */
    public static final MetricsConfig OFF = new MetricsConfig(null);

    /** Whether an endpoint is configured. */
    public boolean enabled() {
        return listen != null;
    }
}

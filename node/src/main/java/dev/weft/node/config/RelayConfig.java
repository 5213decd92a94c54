package dev.weft.node.config;

/**
 * {@code relay}: whether this node forwards traffic between nodes that cannot reach each other
 * directly, and whether it may use such relays itself.
 *
 * @param amRelay {@code relay.am_relay} (default false)
 * @param useRelays {@code relay.use_relays} (default true)
 */
public record RelayConfig(boolean amRelay, boolean useRelays) {
    /** The defaults: not a relay, uses relays. */
    public static final RelayConfig DEFAULT = new RelayConfig(false, true);
}

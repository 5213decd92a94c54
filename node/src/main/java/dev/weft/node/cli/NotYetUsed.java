package dev.weft.node.cli;

import dev.weft.node.config.NodeConfig;
import dev.weft.node.config.RelayConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The mesh keys a config sets that this node reads and checks but does not act on yet (relays),
 * so that a user is told rather than left wondering why no relay is used.
 */
final class NotYetUsed {
    private NotYetUsed() {
    }

    static List<String> keys(NodeConfig c) {
        List<String> keys = new ArrayList<>();
        if (!c.relay().equals(RelayConfig.DEFAULT)) {
            keys.add("relay");
        }
        return keys;
    }

    /** The notice, or null when every key set is in use. */
    static String notice(NodeConfig c) {
        List<String> keys = keys(c);
        return keys.isEmpty() ? null : String.join(", ", keys) + ": read and checked, but not used yet "
                + "(relays come with NAT traversal; this version connects members directly)";
    }
}

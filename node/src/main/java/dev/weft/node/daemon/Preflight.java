package dev.weft.node.daemon;

import dev.weft.node.admin.AdminServer;
import dev.weft.node.admin.AdminSocketInUseException;
import dev.weft.node.config.NodeConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before the node creates anything, the two things another node on the same host most
 * often already holds: the admin socket and the UDP port; and that the admin socket's directory
 * is the running user's own (mode 0700; created so when missing). Failing here gives one line naming
 * the config key to change, and leaves no interface behind (the TUN is created only after).
 * A race with another program between this check and the real bind is still reported, by
 * {@link NodeDaemon}, with the same messages.
 */
final class Preflight {
    private Preflight() {
    }

    /** Every conflict found, joined in one line. */
    static void check(NodeConfig config) throws NodeStartException {
        List<String> problems = new ArrayList<>();
        try {
            AdminServer.prepareDirectory(config.adminSocket());
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        try {
            AdminServer.requireFree(config.adminSocket());
        } catch (AdminSocketInUseException e) {
            problems.add(socketInUse(config));
        }
        String port = portProblem(config.listenPort());
        if (port != null) {
            problems.add(port);
        }
        if (!problems.isEmpty()) {
            throw new NodeStartException(String.join("; ", problems), null);
        }
    }

    /** Says which key to change: tun.dev when the socket is the default one derived from it. */
    static String socketInUse(NodeConfig config) {
        String what = "admin socket " + config.adminSocket() + " is in use by another running weft node: ";
        if (config.adminSocket().equals(NodeConfig.defaultAdminSocket(config.tunDev()))) {
            return what + "give this node a different tun.dev (its admin socket is "
                    + NodeConfig.ADMIN_DIR + "/<tun.dev>.sock unless admin.socket is set)";
        }
        return what + "give this node a different admin.socket";
    }

    /** Null when {@code port} can be bound as the dataplane binds it (UDP, all addresses, IPv4 and IPv6). */
    static String portProblem(int port) {
        if (port == 0) {
            return null; // the kernel picks a free one
        }
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress("::", port));
            return null;
        } catch (IOException e) {
            return bindFailure(port, e.getMessage());
        }
    }

    /** The line for a failed bind of {@code port}, from the system's reason. */
    static String bindFailure(int port, String reason) {
        if (reason != null && reason.contains("Address already in use")) {
            return "listen.port: UDP port " + port + " is in use (cannot bind [::]:" + port
                    + ", all addresses): another weft node or program holds it; choose a free listen.port";
        }
        String hint = port < 1024 && reason != null && reason.contains("Permission denied")
                ? " (ports below 1024 need CAP_NET_BIND_SERVICE)" : "";
        return "listen.port: cannot bind UDP [::]:" + port + ": " + reason + hint;
    }
}

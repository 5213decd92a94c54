package dev.weft.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft reload [--dev DEV]}: the running node reads its configuration file again. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Make a running node read its configuration file again and apply what changed.",
            "Sessions stay up. Applied at once: pki.ca (added CAs trusted; members of removed CAs end; refused if the bundle is broken or does not trust this node), pki.blocklist and pki.revocations (additions: sessions to newly revoked members end), wireguard.peers (added, changed, removed), routes.advertise and dns.records (published to the mesh), routes.accept (routes judged again: uninstalled or installed at once), lighthouse.hosts (new ones joined, removed ones no longer used), dns.upstreams and dns.forward, logging.level. Any other change needs a restart: the reload is refused with the keys and the node keeps its configuration, as it does when the file is broken. SIGHUP to the node does the same (systemctl reload)."},
        footer = {"", "Examples:", "  weft reload", "  weft reload --dev weft1",
            "  weft reload --config /etc/weft/office.yml   (the node's admin.socket, as systemd's ExecReload does)"})
public final class ReloadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON: {\"applied\": [...], \"notices\": [...]}.")
    boolean json;

    @ArgGroup(exclusive = true)
    AdminTarget target;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Reach the node whose configuration this is (its admin.socket); not with --dev or --socket.")
    java.nio.file.Path config;

    @Override
    public Integer call() {
        AdminTarget to = target;
        if (config != null) {
            if (target != null) {
                spec.commandLine().getErr().println("weft reload: --config names the node already; leave out --dev and --socket");
                return 2;
            }
            try {
                to = new AdminTarget();
                to.socket = dev.weft.node.config.NodeConfig.load(config).adminSocket();
            } catch (dev.weft.node.config.NodeConfigException e) {
                spec.commandLine().getErr().println("weft reload: " + e.getMessage());
                return 1;
            }
        }
        return AdminTarget.print(spec, "reload", to, "reload", json, (reply, out) -> out.println(summary(reply)));
    }

    /** One line: what was applied, then any notices; "nothing changed" for an unchanged file. */
    static String summary(JsonNode reply) {
        List<String> applied = texts(reply.path("applied"));
        List<String> notices = texts(reply.path("notices"));
        String line = applied.isEmpty() ? "reloaded: nothing changed" : "reloaded: " + String.join("; ", applied);
        return notices.isEmpty() ? line : line + " (" + String.join("; ", notices) + ")";
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}

package dev.weft.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft members [--json]}: the mesh as a running node sees it. */
@Command(name = "members", mixinStandardHelpOptions = true,
        description = {"List the members a running node knows.",
            "Per member: name, overlay IPs, state (alive, suspect, dead, left), incarnation, endpoints and roles. The node itself comes first."},
        footer = {"", "Examples:", "  weft members", "  weft members --dev weft1 --json"})
public final class MembersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON: {\"members\": [...]}.")
    boolean json;

    @ArgGroup(exclusive = true)
    AdminTarget target;

    @Override
    public Integer call() {
        return AdminTarget.print(spec, "members", target, "members", json, MembersCommand::printHuman);
    }

    private static void printHuman(JsonNode reply, PrintWriter out) {
        out.printf("%-20s %-34s %-8s %-6s %-8s %s%n", "NAME", "OVERLAY IPS", "STATE", "INC", "ROLES", "ENDPOINTS");
        for (JsonNode m : reply.path("members")) {
            out.printf("%-20s %-34s %-8s %-6d %-8s %s%n",
                    m.path("name").asText() + (m.path("self").asBoolean() ? " (self)" : ""),
                    String.join(",", texts(m.path("overlay_ips"))), m.path("state").asText(), m.path("incarnation").asLong(),
                    texts(m.path("roles")).isEmpty() ? "-" : String.join(",", texts(m.path("roles"))),
                    String.join(" ", texts(m.path("endpoints"))));
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return out;
    }
}

package dev.weft.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft routes [--json]}: the subnets members advertise and what this node does with each. */
@Command(name = "routes", mixinStandardHelpOptions = true,
        description = {"List the routes members advertise and what this node does with each.",
            "Per route: prefix, the member it goes through, and its state: installed (a kernel route and the member's allowed IPs), standby (another advertiser is used) or refused (with the reason)."},
        footer = {"", "Examples:", "  weft routes", "  weft routes --dev weft1 --json"})
public final class RoutesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON: {\"routes\": [{prefix, via, state, reason}, ...]}.")
    boolean json;

    @ArgGroup(exclusive = true)
    AdminTarget target;

    @Override
    public Integer call() {
        return AdminTarget.print(spec, "routes", target, "routes", json, (reply, out) -> {
            out.printf("%-24s %-20s %-10s %s%n", "PREFIX", "VIA", "STATE", "REASON");
            for (JsonNode r : reply.path("routes")) {
                out.printf("%-24s %-20s %-10s %s%n", r.path("prefix").asText(), r.path("via").asText(),
                        r.path("state").asText(), r.path("reason").isNull() ? "" : r.path("reason").asText());
            }
        });
    }
}

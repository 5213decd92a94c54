package dev.weft.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft ping NAME|IP [--count N] [--json]}: which path answers a member, and how fast. */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = {"Ping a member over weft's control channel and say which path answered.",
            "As `tailscale ping` does: the path that answered (direct ENDPOINT, or via relay NAME while no direct path works) and the round trip. A ping also starts hole punching to a member with no direct path yet; --until-direct waits for it. NAME is a member's certificate name; IP one of its overlay addresses."},
        footer = {"", "Examples:", "  weft ping n2", "  weft ping n2 --until-direct", "  weft ping 100.64.0.12 --count 5 --dev weft1"})
public final class PingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME|IP", description = "The member: its name or an overlay IP.")
    String target;

    @Option(names = "--count", paramLabel = "N", description = "Pings to send, one a second (default 1; with --until-direct at most 30).")
    Integer count;

    @Option(names = "--until-direct", description = "Ping until a direct path answers (punching through NATs may take seconds); "
            + "exit 1 if none did within --count pings.")
    boolean untilDirect;

    @Option(names = "--json", description = "Print JSON: {\"pings\": [{name, path, via, endpoint, rtt_ms}, ...]}.")
    boolean json;

    @ArgGroup(exclusive = true)
    AdminTarget node;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int count = this.count != null ? this.count : untilDirect ? 30 : 1;
        if (count < 1 || count > 1000) {
            err.println("weft ping: --count must be 1..1000");
            return 2;
        }
        if (target.contains(" ")) {
            err.println("weft ping: '" + target + "' is not a name or an address");
            return 2;
        }
        ObjectNode all = new ObjectMapper().createObjectNode();
        ArrayNode pings = all.putArray("pings");
        int answered = 0;
        boolean direct = false;
        for (int i = 0; i < count && !(untilDirect && direct); i++) {
            if (i > 0) {
                Thread.sleep(1000);
            }
            try {
                JsonNode r = AdminTarget.request(node, "ping " + target);
                pings.add(r);
                answered++;
                direct = "direct".equals(r.path("path").asText());
                if (!json) {
                    String path = direct ? "direct " + r.path("endpoint").asText() : "via relay " + r.path("via").asText();
                    out.printf("pong from %s %s in %.2f ms%n", r.path("name").asText(), path, r.path("rtt_ms").asDouble());
                    out.flush();
                }
            } catch (IOException e) {
                if (!json) {
                    err.println("weft ping: " + e.getMessage());
                    err.flush();
                }
                ObjectNode failed = pings.addObject();
                failed.put("error", e.getMessage());
            }
        }
        if (json) {
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(all));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            out.flush();
        }
        if (untilDirect) {
            if (!direct && !json) {
                err.println("weft ping: no direct path to " + target + " after " + count + " pings");
            }
            return direct ? 0 : 1;
        }
        return answered > 0 ? 0 : 1;
    }
}

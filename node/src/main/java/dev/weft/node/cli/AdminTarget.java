package dev.weft.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.node.admin.AdminClient;
import dev.weft.node.config.NodeConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.BiConsumer;
import picocli.CommandLine.Model.CommandSpec;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which running node a command talks to: {@code --dev NAME} or {@code --socket PATH} (one of them). */
final class AdminTarget {
    @Option(names = "--dev", paramLabel = "NAME", description = "The node's TUN interface (socket /run/weft/NAME.sock).")
    String dev;

    @Option(names = "--socket", paramLabel = "PATH", description = "The node's admin socket.")
    Path socket;

    /** Sends {@code command}; an error reply becomes an IOException naming the node's reason. */
    static JsonNode request(AdminTarget target, String command) throws IOException {
        Path path = AdminClient.choose(target == null ? null : target.socket, target == null ? null : target.dev,
                NodeConfig.ADMIN_DIR);
        JsonNode reply = AdminClient.request(path, command);
        if (reply.has("error")) {
            throw new IOException("the node refused: " + reply.get("error").asText());
        }
        return reply;
    }

    /**
     * What the read-only commands share: ask the node, print its reply as JSON or through
     * {@code human}; 0, or 1 with {@code weft NAME: reason} on stderr.
     */
    static int print(CommandSpec spec, String name, AdminTarget target, String command, boolean json,
                     BiConsumer<JsonNode, PrintWriter> human) {
        JsonNode reply;
        try {
            reply = request(target, command);
        } catch (IOException e) {
            spec.commandLine().getErr().println("weft " + name + ": " + e.getMessage());
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(reply));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            human.accept(reply, out);
        }
        out.flush();
        return 0;
    }
}

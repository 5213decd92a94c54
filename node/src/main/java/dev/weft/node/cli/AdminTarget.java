package dev.weft.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.node.admin.AdminClient;
import dev.weft.node.config.NodeConfig;
import java.io.IOException;
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
}

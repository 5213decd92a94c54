package dev.weft.node.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Talks to a running node's admin socket. */
public final class AdminClient {
    /** How long a command waits for the node's answer. */
    static final java.time.Duration DEADLINE = java.time.Duration.ofSeconds(10);

    private AdminClient() {
    }

    /** Sends {@code {"command": command}} and returns the reply; refusals come back as {@code {"error":...}}. */
    public static JsonNode request(Path socket, String command) throws IOException {
        ObjectMapper json = new ObjectMapper();
        if (!Files.exists(socket)) {
            throw new IOException("no admin socket at " + socket + " (is the node running?)");
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            String req = json.writeValueAsString(json.createObjectNode().put("command", command)) + "\n";
            Channels.newOutputStream(c).write(req.getBytes(StandardCharsets.UTF_8));
            c.shutdownOutput();
            // A frozen node must not freeze the command: a Unix socket read has no timeout of its
            // own, so the read runs on a virtual thread and the channel is closed at the deadline.
            java.util.concurrent.FutureTask<byte[]> read = new java.util.concurrent.FutureTask<>(
                    () -> Channels.newInputStream(c).readAllBytes());
            Thread.ofVirtual().start(read);
            try {
                return json.readTree(read.get(DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                c.close();
                throw new IOException("the node at " + socket + " did not answer within " + DEADLINE.toSeconds() + " s", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        } catch (java.net.SocketException e) {
            throw new IOException("the node at " + socket + " does not answer (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Which socket to use: {@code socket} if given, else {@code dir/<dev>.sock} if a device is
     * given, else the only {@code *.sock} in {@code dir}.
     *
     * @throws IOException with a message for users when there is none or more than one
     */
    public static Path choose(Path socket, String dev, Path dir) throws IOException {
        if (socket != null) {
            return socket;
        }
        if (dev != null) {
            return dir.resolve(dev + ".sock");
        }
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.sock")) {
                s.forEach(found::add);
            }
        }
        if (found.isEmpty()) {
            throw new IOException("no running weft node: no admin socket in " + dir
                    + " (start one with 'weft node --config FILE', or give --socket PATH)");
        }
        if (found.size() > 1) {
            found.sort(null);
            List<String> names = new ArrayList<>();
            for (Path p : found) {
                names.add(p.getFileName().toString().replaceFirst("\\.sock$", ""));
            }
            throw new IOException("several weft nodes are running (" + String.join(", ", names)
                    + "): choose one with --dev NAME or --socket PATH");
        }
        return found.get(0);
    }
}

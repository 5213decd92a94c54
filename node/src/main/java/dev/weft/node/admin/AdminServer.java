package dev.weft.node.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * The node's admin socket: a Unix domain socket (mode 0600, in a directory created 0700 when
 * missing) that answers one JSON request per connection: a line {@code {"command":"status"}},
 * answered with one line of JSON ({@code {"error":"..."}} for a refused request).
 *
 * <p>A stale socket file left by a crashed node is replaced; a socket a live node answers on
 * is not (starting a second node with the same socket fails).
 */
public final class AdminServer implements AutoCloseable {
    private static final int MAX_REQUEST = 4096;

    /** Answers admin requests. */
    @FunctionalInterface
    public interface Handler {
        /** The reply to {@code command}; throw {@link IllegalArgumentException} to refuse it. */
        JsonNode handle(String command);
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean closed;

    private AdminServer(Path path, ServerSocketChannel server, Handler handler) {
        this.path = path;
        this.server = server;
        this.acceptor = new Thread(() -> serve(handler), "weft-admin");
        acceptor.setDaemon(true);
    }

    /** Binds {@code path} and starts answering. */
    public static AdminServer start(Path path, Handler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        requireFree(path);
        if (Files.exists(path)) {
            Files.delete(path); // stale, from a node that did not stop cleanly
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        AdminServer s = new AdminServer(path, server, handler);
        s.acceptor.start();
        return s;
    }

    /**
     * Refuses a socket a live node answers on; a missing or stale socket file is free (the
     * daemon asks before it creates anything, {@link #start} asks again).
     */
    public static void requireFree(Path path) throws AdminSocketInUseException {
        if (Files.exists(path) && answers(path)) {
            throw new AdminSocketInUseException(path);
        }
    }

    private static boolean answers(Path path) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return c.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    private void serve(Handler handler) {
        while (!closed) {
            try (SocketChannel client = server.accept()) {
                answer(client, handler);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void answer(SocketChannel client, Handler handler) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        while (in.hasRemaining()) {
            int n = client.read(in);
            if (n < 0 || contains(in, (byte) '\n')) {
                break;
            }
        }
        String request = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
        JsonNode reply;
        try {
            JsonNode parsed = json.readTree(request);
            if (parsed == null || !parsed.isObject() || !parsed.path("command").isTextual()) {
                throw new IllegalArgumentException("expected {\"command\": \"...\"}");
            }
            reply = handler.handle(parsed.get("command").asText());
        } catch (IOException | IllegalArgumentException e) {
            ObjectNode err = json.createObjectNode();
            err.put("error", e instanceof IOException ? "request is not JSON" : e.getMessage());
            reply = err;
        } catch (RuntimeException e) {
            ObjectNode err = json.createObjectNode();
            err.put("error", "internal error: " + e);
            reply = err;
        }
        byte[] out = (json.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8);
        Channels.newOutputStream(client).write(out);
    }

    private static boolean contains(ByteBuffer b, byte v) {
        for (int i = 0; i < b.position(); i++) {
            if (b.get(i) == v) {
                return true;
            }
        }
        return false;
    }

    /** Stops answering and removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing a listening socket does not fail in a way we could act on
        }
        try {
            acceptor.join(2000);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.err.println("weft: cannot remove admin socket " + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

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
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The node's admin socket: a Unix domain socket (mode 0600, in a directory of the running user's
 * own with mode 0700: created so, or refused when it exists looser, see {@link AdminDirectory})
 * that answers one JSON request per connection: a line {@code {"command":"status"}}, answered
 * with one line of JSON ({@code {"error":"..."}} for a refused request).
 *
 * <p>Each connection is served on its own virtual thread and has a deadline ({@link
 * #DEFAULT_DEADLINE} for reading the request and writing the reply), so a client that connects
 * and sends nothing, or reads nothing, holds only its own slot and only until then; at most
 * {@link #MAX_CLIENTS} are served at once, further ones get {@code {"error":"busy..."}}. The
 * handler may therefore be called from several threads at once.
 *
 * <p>A stale socket file left by a crashed node is replaced; a socket a live node answers on
 * is not (starting a second node with the same socket fails).
 */
public final class AdminServer implements AutoCloseable {
    private static final int MAX_REQUEST = 4096;
    /** How long one connection may take, from accept to the reply written. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);
    /** Connections served at once. */
    public static final int MAX_CLIENTS = 16;

    /** Answers admin requests. */
    @FunctionalInterface
    public interface Handler {
        /** The reply to {@code command}; throw {@link IllegalArgumentException} to refuse it. Called concurrently. */
        JsonNode handle(String command);
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final Duration deadline;
    private final Thread acceptor;
    private final ScheduledExecutorService timer;
    private final Semaphore slots = new Semaphore(MAX_CLIENTS);
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean closed;

    private AdminServer(Path path, ServerSocketChannel server, Handler handler, Duration deadline) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.deadline = deadline;
        this.acceptor = new Thread(this::serve, "weft-admin");
        acceptor.setDaemon(true);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weft-admin-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds {@code path} and starts answering. */
    public static AdminServer start(Path path, Handler handler) throws IOException {
        return start(path, handler, DEFAULT_DEADLINE);
    }

    /** Binds {@code path} and starts answering, each connection closed after {@code deadline}. */
    static AdminServer start(Path path, Handler handler, Duration deadline) throws IOException {
        Objects.requireNonNull(handler, "handler");
        prepareDirectory(path);
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
        AdminServer s = new AdminServer(path, server, handler, deadline);
        s.acceptor.start();
        return s;
    }

    /**
     * Creates the socket's directory (mode 0700) when missing; refuses, with an {@link
     * AdminDirectoryException} saying what to change, one that group or others may enter or
     * that another user owns. The daemon asks before it creates anything; {@link #start} again.
     */
    public static void prepareDirectory(Path socket) throws IOException {
        AdminDirectory.prepare(socket);
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

    private void serve() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                pause(); // out of file descriptors, say: do not spin
                continue;
            }
            if (!slots.tryAcquire()) {
                refuseBusy(client);
                continue;
            }
            clients.add(client);
            ScheduledFuture<?> expiry = timer.schedule(() -> quietlyClose(client), deadline.toNanos(), TimeUnit.NANOSECONDS);
            Thread.ofVirtual().name("weft-admin-client").start(() -> {
                try {
                    answer(client);
                } catch (IOException e) {
                    // the client went away or ran out of time: nothing to answer
                } finally {
                    expiry.cancel(false);
                    clients.remove(client);
                    quietlyClose(client);
                    slots.release();
                }
            });
        }
    }

    private void refuseBusy(SocketChannel client) {
        try (client) {
            client.configureBlocking(false); // a small reply into a fresh socket's buffer; never wait for the client
            ObjectNode err = json.createObjectNode().put("error", "busy: " + MAX_CLIENTS + " admin requests are in progress; try again");
            client.write(ByteBuffer.wrap((json.writeValueAsString(err) + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // the client is gone
        }
    }

    private static void quietlyClose(SocketChannel client) {
        try {
            client.close(); // also ends a read or write blocked on it
        } catch (IOException e) {
            // nothing more to release
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answer(SocketChannel client) throws IOException {
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
            acceptor.join(2000); // no client is accepted after this
            clients.forEach(AdminServer::quietlyClose);
            timer.shutdownNow();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.err.println("weft: cannot remove admin socket " + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
